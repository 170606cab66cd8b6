/**
 * Full cycle: a webhook in, `ctx.reply`, the send accepted by a local stand-in of Pact, the webhook
 * answered — against the hand-written minimal bot (node:http in, undici `request` on a keep-alive
 * Pool out) doing the same work. The bot runs with `rateLimit: false`: Pact's 5 sends per second
 * per company would otherwise be all there is to measure.
 */
import { bodyMaker } from '../lib/bodies.js';
import type { BenchCase } from '../lib/case.js';
import { startServer, stopAll } from '../lib/child.js';
import {
  brief,
  compare,
  PACTBOT_FRESH_FOR,
  row,
  sweep,
  sweepRows,
  type Contestant,
} from '../lib/compare.js';
import { printTable, printTargets, target } from '../lib/report.js';
import { round } from '../lib/stats.js';

/** Round trips per second against the minimal bot's. */
const CYCLE_TARGET = 0.85;
/** The minimal bot's p99 over pactbot's at 256 connections: pactbot's at most 1.5 times. */
const P99_TARGET_256 = round(1 / 1.5, 3);

export const cycle: BenchCase = async (settings) => {
  try {
    const pact = await startServer('pact stand-in', 'servers/pact-standin.ts', {}, settings.aux);
    const apiUrl = pact.url('');
    const startBot = () =>
      startServer('pactbot', 'servers/pactbot.ts', { mode: 'echo', apiUrl }, settings.server);
    const minimal = await startServer(
      'minimal bot',
      'servers/minimal-bot.ts',
      { apiUrl, protocol: 'pact' },
      settings.server,
    );

    const body = bodyMaker('pact', settings.conversations);
    const pactbot: Contestant = {
      name: 'pactbot echo (bot.listen, ctx.reply)',
      server: await startBot(),
      restart: startBot,
      freshFor: PACTBOT_FRESH_FOR,
      path: '/pact',
      body,
      also: [pact],
      expect: { on: 'stand-in', counter: 'sends' },
    };
    const baseline: Contestant = {
      name: 'minimal bot (node:http + undici Pool)',
      server: minimal,
      path: '/pact',
      body,
      also: [pact],
      expect: { on: 'stand-in', counter: 'sends' },
    };
    const [mine, base] = await compare([pactbot, baseline], {
      connections: settings.connections,
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      repeats: settings.repeats,
    });
    printTable(
      `full cycle at ${settings.connections} connections (median of ${settings.repeats})`,
      [row(base!), row(mine!, base)],
    );
    const curve = await sweep(
      [pactbot, baseline],
      settings.sweep,
      settings.sweepS,
      settings.warmupS,
    );
    printTable(
      'full-cycle throughput against concurrency (round trips/s, one run per point)',
      sweepRows(settings.sweep, curve, 'minimal'),
    );
    const ratio = round(mine!.rps / base!.rps, 3);
    const targets = [target('full cycle pactbot / minimal bot', ratio, CYCLE_TARGET)];
    // The tail when many more webhooks are in flight than the bot runs handlers at once (64): the
    // ratio minimal p99 / pactbot p99, so that pactbot's p99 is at most 1.5 times the minimal bot's.
    const at256 = settings.sweep.indexOf(256);
    const p99Ratio =
      at256 < 0 ? undefined : round(curve[1]!.points[at256]!.p99 / curve[0]!.points[at256]!.p99, 3);
    if (p99Ratio !== undefined)
      targets.push(
        target('p99 at 256 connections, minimal bot / pactbot', p99Ratio, P99_TARGET_256),
      );
    printTargets(targets);
    return {
      summary: {
        case: 'cycle',
        connections: settings.connections,
        pactbot_rps: mine!.rps,
        minimal_rps: base!.rps,
        ratio,
        per_core_ratio: round(mine!.perCore / base!.perCore, 3),
        pactbot_p50_ms: mine!.p50,
        pactbot_p99_ms: mine!.p99,
        minimal_p50_ms: base!.p50,
        minimal_p99_ms: base!.p99,
        target: CYCLE_TARGET,
        p99_ratio_256: p99Ratio,
        p99_target_256: P99_TARGET_256,
        met: targets.every((check) => check.met),
      },
      targets,
      raw: {
        headline: [brief(mine!), brief(base!)],
        runs: { pactbot: mine!.runs, minimal: base!.runs },
        sweep: curve,
      },
    };
  } finally {
    await stopAll();
  }
};
