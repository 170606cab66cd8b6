/**
 * Peers: the echo workload (webhook in, one send out, webhook answered once the send was accepted)
 * through grammY's `webhookCallback(bot, 'http')` and Telegraf's `bot.webhookCallback(path)` on
 * node:http, their API root a local stand-in of Telegram's Bot API; pactbot the same way against a
 * stand-in of Pact; and the hand-written minimal bot speaking each protocol, which shows what each
 * stand-in and protocol cost on their own.
 */
import { bodyMaker } from '../lib/bodies.js';
import type { BenchCase } from '../lib/case.js';
import { startServer, stopAll, type ServerHandle } from '../lib/child.js';
import { brief, compare, PACTBOT_FRESH_FOR, row, type Contestant } from '../lib/compare.js';
import { printTable, printTargets, target } from '../lib/report.js';
import { round } from '../lib/stats.js';

export const peers: BenchCase = async (settings) => {
  const start = (name: string, script: string, config: object, aux = false) =>
    startServer(name, script, config, aux ? settings.aux : settings.server);
  try {
    const telegram = await start('telegram stand-in', 'servers/telegram-standin.ts', {}, true);
    const pact = await start('pact stand-in', 'servers/pact-standin.ts', {}, true);
    const tgUrl = telegram.url('');
    const pactUrl = pact.url('');
    const grammy = await start('grammY', 'servers/grammy.ts', { apiUrl: tgUrl });
    const telegraf = await start('Telegraf', 'servers/telegraf.ts', { apiUrl: tgUrl });
    const startBot = () =>
      start('pactbot', 'servers/pactbot.ts', { mode: 'echo', apiUrl: pactUrl });
    const bot = await startBot();
    const minimalTg = await start('minimal bot (telegram)', 'servers/minimal-bot.ts', {
      apiUrl: tgUrl,
      protocol: 'telegram',
    });
    const minimalPact = await start('minimal bot (pact)', 'servers/minimal-bot.ts', {
      apiUrl: pactUrl,
      protocol: 'pact',
    });

    const tgBody = bodyMaker('telegram', settings.conversations);
    const pactBody = bodyMaker('pact', settings.conversations);
    const on = (
      name: string,
      server: ServerHandle,
      standin: ServerHandle,
      body: () => string,
      path: string,
    ): Contestant => ({
      name,
      server,
      path,
      body,
      also: [standin],
      expect: { on: 'stand-in', counter: 'sends' },
    });
    const [g, t, p, mt, mp] = await compare(
      [
        on('grammY 1.x webhookCallback', grammy, telegram, tgBody, '/tg'),
        on('Telegraf 4.x webhookCallback', telegraf, telegram, tgBody, '/tg'),
        {
          ...on('pactbot bot.listen', bot, pact, pactBody, '/pact'),
          restart: startBot,
          freshFor: PACTBOT_FRESH_FOR,
        },
        on('minimal bot, Telegram API', minimalTg, telegram, tgBody, '/tg'),
        on('minimal bot, Pact API', minimalPact, pact, pactBody, '/pact'),
      ],
      {
        connections: settings.connections,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
        repeats: settings.repeats,
      },
    );
    printTable(
      `echo bots at ${settings.connections} connections (median of ${settings.repeats}; ratio to the minimal bot of the same protocol)`,
      [row(mt!), row(g!, mt), row(t!, mt), row(mp!), row(p!, mp)],
    );
    const overGrammy = round(p!.rps / g!.rps, 3);
    const overTelegraf = round(p!.rps / t!.rps, 3);
    printTable('pactbot against its peers', [
      {
        peer: 'grammY',
        'pactbot / peer': overGrammy,
        'per-core ratio': round(p!.perCore / g!.perCore, 3),
      },
      {
        peer: 'Telegraf',
        'pactbot / peer': overTelegraf,
        'per-core ratio': round(p!.perCore / t!.perCore, 3),
      },
    ]);
    const targets = [
      target('peers pactbot / grammY', overGrammy, 2.5),
      target('peers pactbot / Telegraf', overTelegraf, 2.5),
      target('peers pactbot / minimal bot (Pact)', round(p!.rps / mp!.rps, 3), 0.85),
    ];
    printTargets(targets);
    return {
      summary: {
        case: 'peers',
        connections: settings.connections,
        pactbot_rps: p!.rps,
        grammy_rps: g!.rps,
        telegraf_rps: t!.rps,
        minimal_telegram_rps: mt!.rps,
        minimal_pact_rps: mp!.rps,
        pactbot_over_grammy: overGrammy,
        pactbot_over_telegraf: overTelegraf,
        grammy_over_minimal: round(g!.rps / mt!.rps, 3),
        telegraf_over_minimal: round(t!.rps / mt!.rps, 3),
        target: 2.5,
        pactbot_over_minimal: round(p!.rps / mp!.rps, 3),
        met: targets.every((check) => check.met),
      },
      targets,
      raw: { headline: [g, t, p, mt, mp].map((summary) => brief(summary!)) },
    };
  } finally {
    await stopAll();
  }
};
