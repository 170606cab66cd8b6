/**
 * Intake: webhooks per second through `bot.listen` with a handler that reads `ctx.text`, against a
 * bare node:http server that parses the same JSON and answers 200. Every webhook is a distinct
 * message (its own `external_id`, else dedup would answer it without running the handler), spread
 * round-robin over many conversations. Rows of their own: one conversation (every update in one
 * line), and the steady state of a bot whose dedup map is at its bound (200 000 updates remembered).
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

export const intake: BenchCase = async (settings) => {
  try {
    const startBot =
      (config: object = {}) =>
      () =>
        startServer(
          'pactbot',
          'servers/pactbot.ts',
          { mode: 'intake', ...config },
          settings.server,
        );
    const bare = await startServer('bare-http', 'servers/bare-http.ts', {}, settings.server);
    const many = bodyMaker('pact', settings.conversations);
    const pactbot: Contestant = {
      name: `pactbot bot.listen, ${settings.conversations} conversations`,
      server: await startBot()(),
      restart: startBot(),
      freshFor: PACTBOT_FRESH_FOR,
      path: '/pact',
      body: many,
      expect: { on: 'server', counter: 'handled' },
    };
    const baseline: Contestant = {
      name: 'bare node:http + JSON.parse',
      server: bare,
      path: '/pact',
      body: many,
      expect: { on: 'server', counter: 'handled' },
    };
    const single: Contestant = {
      ...pactbot,
      name: 'pactbot bot.listen, 1 conversation',
      server: await startBot()(),
      body: bodyMaker('pact', 1),
    };
    const steady: Contestant = {
      name: 'pactbot at its dedup bound (200k handled)',
      server: await startServer(
        'pactbot steady',
        'servers/pactbot.ts',
        { mode: 'intake', prefillClaims: 200_000 },
        settings.server,
      ),
      path: '/pact',
      body: many,
      expect: { on: 'server', counter: 'handled' },
    };
    const [bot1, base, one, full] = await compare([pactbot, baseline, single, steady], {
      connections: settings.connections,
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      repeats: settings.repeats,
    });
    printTable(`intake at ${settings.connections} connections (median of ${settings.repeats})`, [
      row(base!),
      row(bot1!, base),
      row(one!, base),
      row(full!, base),
    ]);
    const curve = await sweep(
      [pactbot, baseline],
      settings.sweep,
      settings.sweepS,
      settings.warmupS,
    );
    printTable(
      'intake throughput against concurrency (webhooks/s, one run per point)',
      sweepRows(settings.sweep, curve, 'bare'),
    );
    const ratio = round(bot1!.rps / base!.rps, 3);
    const steadyRatio = round(full!.rps / base!.rps, 3);
    const targets = [
      target('intake pactbot / bare node:http', ratio, 0.7),
      target('intake pactbot at its dedup bound / bare node:http', steadyRatio, 0.7),
    ];
    printTargets(targets);
    return {
      summary: {
        case: 'intake',
        connections: settings.connections,
        pactbot_rps: bot1!.rps,
        bare_rps: base!.rps,
        one_conversation_rps: one!.rps,
        at_dedup_bound_rps: full!.rps,
        ratio,
        per_core_ratio: round(bot1!.perCore / base!.perCore, 3),
        one_conversation_ratio: round(one!.rps / base!.rps, 3),
        at_dedup_bound_ratio: steadyRatio,
        pactbot_p50_ms: bot1!.p50,
        pactbot_p99_ms: bot1!.p99,
        bare_p50_ms: base!.p50,
        bare_p99_ms: base!.p99,
        target: 0.7,
        met: targets[0]!.met,
      },
      targets,
      raw: {
        headline: [brief(bot1!), brief(base!), brief(one!), brief(full!)],
        runs: {
          pactbot: bot1!.runs,
          bare: base!.runs,
          oneConversation: one!.runs,
          atDedupBound: full!.runs,
        },
        sweep: curve,
      },
    };
  } finally {
    await stopAll();
  }
};
