/**
 * Koa: the intake workload through `@pactbot/adapter-koa` on a @koa/router route, against a bare
 * Koa route behind koa-bodyparser that reads the message text and answers 200. Two embeddings of
 * the adapter are measured: on its own (it reads the body itself) and behind an app-wide
 * koa-bodyparser (it takes the parser's `rawBody`, and the bot parses that text again).
 */
import { bodyMaker } from '../lib/bodies.js';
import type { BenchCase } from '../lib/case.js';
import { startServer, stopAll } from '../lib/child.js';
import { brief, compare, PACTBOT_FRESH_FOR, row, type Contestant } from '../lib/compare.js';
import { printTable, printTargets, target } from '../lib/report.js';
import { round } from '../lib/stats.js';

/** Webhooks per second against the bare Koa route's, in both embeddings. */
const KOA_TARGET = 0.9;

export const koa: BenchCase = async (settings) => {
  try {
    const start = (variant: string) => () =>
      startServer(`koa ${variant}`, 'servers/koa.ts', { variant }, settings.server);
    const body = bodyMaker('pact', settings.conversations);
    const contestant = async (name: string, variant: string): Promise<Contestant> => ({
      name,
      server: await start(variant)(),
      // The adapters run a pactbot Bot: keep each run below its dedup bound, as in the intake case.
      ...(variant === 'bare' ? {} : { restart: start(variant), freshFor: PACTBOT_FRESH_FOR }),
      path: '/pact',
      body,
      expect: { on: 'server', counter: 'handled' },
    });
    const [base, own, behind] = await compare(
      [
        await contestant('bare Koa route + koa-bodyparser', 'bare'),
        await contestant('pactWebhook(bot) on the route', 'adapter'),
        await contestant('pactWebhook(bot) behind app-wide koa-bodyparser', 'adapter+bodyparser'),
      ],
      {
        connections: settings.connections,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
        repeats: settings.repeats,
      },
    );
    printTable(`Koa at ${settings.connections} connections (median of ${settings.repeats})`, [
      row(base!),
      row(own!, base),
      row(behind!, base),
    ]);
    const ratio = round(own!.rps / base!.rps, 3);
    const ratioBehind = round(behind!.rps / base!.rps, 3);
    const targets = [
      target('koa adapter / bare Koa route', ratio, KOA_TARGET),
      target('koa adapter behind koa-bodyparser / bare Koa route', ratioBehind, KOA_TARGET),
    ];
    printTargets(targets);
    return {
      summary: {
        case: 'koa',
        connections: settings.connections,
        adapter_rps: own!.rps,
        adapter_behind_bodyparser_rps: behind!.rps,
        bare_koa_rps: base!.rps,
        ratio,
        ratio_behind_bodyparser: ratioBehind,
        per_core_ratio: round(own!.perCore / base!.perCore, 3),
        adapter_p99_ms: own!.p99,
        bare_koa_p99_ms: base!.p99,
        target: KOA_TARGET,
        met: targets.every((check) => check.met),
      },
      targets,
      raw: { headline: [brief(base!), brief(own!), brief(behind!)] },
    };
  } finally {
    await stopAll();
  }
};
