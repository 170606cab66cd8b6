/**
 * Dialogs: what a step of a long dialog costs, and what it keeps, as the dialog goes on. The same
 * dialog — N questions, each awaiting the customer's next text and answered with the next
 * question — runs on pactbot's dialog engine (`conversations()`, `createConversation`), as the
 * state machine in `ctx.session` that dialogs replace (the old style of `examples/survey`), and on
 * grammY's conversations plugin (which replays the conversation's function from its start on every
 * update) against the Telegram stand-in. Many conversations are led a step at a time — each
 * message of a step answered before the next step is sent — and at steps 1, 10 and 50 the server's
 * CPU time over that step's messages gives its CPU per turn, and what its store holds for each
 * conversation gives its stored bytes.
 */
import type { BenchCase } from '../lib/case.js';
import { startServer, stopAll, type ServerHandle } from '../lib/child.js';
import type { ChildStats } from '../lib/child-kit.js';
import { messageBody, type Protocol } from '../lib/bodies.js';
import { printTable, printTargets, target } from '../lib/report.js';
import { median, round } from '../lib/stats.js';
import { TurnDriver } from '../lib/turns.js';
import { START, type StoredReport } from '../servers/dialog-texts.js';

/** The steps measured: the answer the dialog takes (1: the first answer after it was entered). */
const STEPS = [1, 10, 50];
/** Questions in the dialog: more than the last step measured, so no measured step ends it. */
const QUESTIONS = 60;
/** Webhooks in flight at once while a step's messages are posted. */
const IN_FLIGHT = 16;

interface Entrant {
  key: string;
  name: string;
  script: string;
  protocol: Protocol;
  path: string;
  storage?: 'objects' | 'json';
  store?: 'default' | 'given';
}

const ENTRANTS: Entrant[] = [
  {
    key: 'pactbot',
    name: 'pactbot dialog',
    script: 'servers/dialog-pactbot.ts',
    protocol: 'pact',
    path: '/pact',
    store: 'default',
  },
  {
    key: 'pactbotGiven',
    name: 'pactbot dialog, a store given (read each turn)',
    script: 'servers/dialog-pactbot.ts',
    protocol: 'pact',
    path: '/pact',
    store: 'given',
  },
  {
    key: 'machine',
    name: 'pactbot state machine in ctx.session',
    script: 'servers/state-machine-pactbot.ts',
    protocol: 'pact',
    path: '/pact',
  },
  {
    key: 'grammy',
    name: 'grammY conversations 2.x',
    script: 'servers/dialog-grammy.ts',
    protocol: 'telegram',
    path: '/tg',
    storage: 'objects',
  },
  {
    key: 'grammyJson',
    name: 'grammY conversations 2.x, JSON storage',
    script: 'servers/dialog-grammy.ts',
    protocol: 'telegram',
    path: '/tg',
    storage: 'json',
  },
];

/** What one run measured at one step, summed over the cohorts that took it while measured. */
interface StepResult {
  step: number;
  /** Turns measured (messages of that step, each handled and answered). */
  turns: number;
  /** CPU time of the server per turn (one customer message handled, its reply sent), in µs. */
  usPerTurn: number;
  /** What each conversation stores after that step: mean, least and most bytes. */
  meanBytes: number;
  minBytes: number;
  maxBytes: number;
}

/** One run: a fresh server process, cohorts of conversations entering it round after round. */
interface RunResult {
  entrant: string;
  steps: StepResult[];
  problems: string[];
}

/** How a run is laid out. */
interface Layout {
  /** Conversations per cohort. */
  cohort: number;
  /** Rounds measured, once every measured step has a cohort at it. */
  rounds: number;
}

let nextConversation = 7_000_000;

function delta(before: ChildStats, after: ChildStats, counter: string): number {
  return (after.counters[counter] ?? 0) - (before.counters[counter] ?? 0);
}

/**
 * One run. A cohort of conversations enters the dialog every round, and every round each cohort
 * already in takes its next step: so once the first cohort reached the last measured step, every
 * round has a cohort at each measured step, and those are posted one by one and measured, the
 * others together and not. What the steps cost is then measured in the same rounds, side by side,
 * and the rounds before are the warm-up.
 */
async function oneRun(
  entrant: Entrant,
  server: ServerHandle,
  standin: ServerHandle,
  layout: Layout,
): Promise<RunResult> {
  const driver = new TurnDriver(server.url(entrant.path), IN_FLIGHT);
  const problems: string[] = [];
  const last = STEPS[STEPS.length - 1]!;
  const sums = new Map(STEPS.map((k) => [k, { turns: 0, cpuUs: 0, stored: [] as StoredReport[] }]));
  let sent = 0;
  /** Posts one message of each conversation; resolves with the server's CPU time over them when `measure`. */
  const post = async (batch: Array<{ id: number; step: number }>, measure = false) => {
    const bodies = batch.map(({ id, step }) =>
      messageBody(entrant.protocol, id, step === 0 ? START : `answer ${step} of ${id}`),
    );
    const before = measure ? await server.stats() : undefined;
    const posted = await driver.post(bodies);
    const after = measure ? await server.stats() : undefined;
    sent += batch.length;
    if (posted.failed)
      problems.push(`${posted.failed} webhooks failed: ${posted.reasons.join('; ')}`);
    if (before === undefined || after === undefined) return 0;
    const handled = delta(before, after, 'handled');
    if (handled !== batch.length) problems.push(`${handled} handled of ${batch.length}`);
    return after.cpuUs - before.cpuUs;
  };
  const [first, sentFirst] = await Promise.all([server.stats(), standin.stats()]);
  const cohorts: number[][] = [];
  const total = last + layout.rounds;
  try {
    for (let round = 0; round < total; round++) {
      // A new cohort every round that leaves it a measured step to take.
      if (round < total - 1) {
        cohorts.push(Array.from({ length: layout.cohort }, () => nextConversation++));
      }
      const measuring = round >= last;
      const unmeasured: Array<{ id: number; step: number }> = [];
      const measured: Array<{ ids: number[]; step: number }> = [];
      cohorts.forEach((ids, c) => {
        const step = round - c;
        // Led on only while a measured step is still ahead of it within the measured rounds.
        if (!STEPS.some((k) => k >= step && c + k >= last && c + k < total)) return;
        if (measuring && STEPS.includes(step)) measured.push({ ids, step });
        else unmeasured.push(...ids.map((id) => ({ id, step })));
      });
      if (unmeasured.length) await post(unmeasured);
      for (const { ids, step } of measured) {
        const cpuUs = await post(
          ids.map((id) => ({ id, step })),
          true,
        );
        const stored = await server.request<StoredReport>('stored', { ids });
        if (
          stored.present !== ids.length ||
          stored.minAnswers !== step ||
          stored.maxAnswers !== step
        )
          problems.push(
            `at step ${step}: ${stored.present} of ${ids.length} stored, answers ${stored.minAnswers}–${stored.maxAnswers}`,
          );
        const sum = sums.get(step)!;
        sum.turns += ids.length;
        sum.cpuUs += cpuUs;
        sum.stored.push(stored);
      }
    }
    // Every message handled, each answered with one send, and nothing else happened.
    const [end, sentEnd] = await Promise.all([server.stats(), standin.stats()]);
    const handled = delta(first, end, 'handled');
    const replies = delta(sentFirst, sentEnd, 'sends');
    if (handled !== sent) problems.push(`${handled} handled of ${sent} messages`);
    if (replies !== sent) problems.push(`${replies} replies sent for ${sent} messages`);
    for (const counter of ['errors', 'unexpected']) {
      const n = delta(first, end, counter);
      if (n) problems.push(`${n} ${counter}`);
    }
  } finally {
    await driver.close();
  }
  const steps = STEPS.map((step): StepResult => {
    const { turns, cpuUs, stored } = sums.get(step)!;
    return {
      step,
      turns,
      usPerTurn: round(cpuUs / turns),
      meanBytes: Math.round(stored.reduce((a, r) => a + r.meanBytes, 0) / stored.length),
      minBytes: Math.min(...stored.map((r) => r.minBytes)),
      maxBytes: Math.max(...stored.map((r) => r.maxBytes)),
    };
  });
  return { entrant: entrant.key, steps, problems: [...new Set(problems)] };
}

export const dialogs: BenchCase = async (settings) => {
  const layout: Layout = settings.quick ? { cohort: 6, rounds: 10 } : { cohort: 8, rounds: 16 };
  try {
    const telegram = await startServer(
      'telegram stand-in',
      'servers/telegram-standin.ts',
      {},
      settings.aux,
    );
    const pact = await startServer('pact stand-in', 'servers/pact-standin.ts', {}, settings.aux);
    const standinOf = (entrant: Entrant) => (entrant.protocol === 'pact' ? pact : telegram);
    const startBot = (entrant: Entrant) =>
      startServer(
        entrant.name,
        entrant.script,
        {
          apiUrl: standinOf(entrant).url(''),
          questions: QUESTIONS,
          storage: entrant.storage,
          store: entrant.store,
        },
        settings.server,
      );
    // Rounds of every entrant in turn, so noise from the rest of the machine falls on all alike.
    const runs: RunResult[] = [];
    for (let r = 0; r < settings.repeats; r++) {
      for (const entrant of ENTRANTS) {
        const server = await startBot(entrant);
        try {
          runs.push(await oneRun(entrant, server, standinOf(entrant), layout));
        } finally {
          await server.stop();
        }
      }
    }

    /** The median over the runs of one entrant at one step. */
    const at = (key: string, k: number) => {
      const mine = runs
        .filter((run) => run.entrant === key)
        .map((run) => run.steps.find((s) => s.step === k)!);
      return {
        us: round(median(mine.map((s) => s.usPerTurn))),
        bytes: Math.round(median(mine.map((s) => s.meanBytes))),
      };
    };
    const rows = STEPS.flatMap((k) =>
      ENTRANTS.map((entrant) => {
        const here = at(entrant.key, k);
        const first = at(entrant.key, STEPS[0]!);
        return {
          step: k,
          dialog: entrant.name,
          'µs CPU/turn': here.us,
          '× step 1': round(here.us / first.us),
          'bytes stored': here.bytes,
        };
      }),
    );
    printTable(
      `a ${QUESTIONS}-question dialog: server CPU per turn (a message handled, its reply sent) over ${layout.rounds * layout.cohort} turns of each step, and bytes stored per conversation (median of ${settings.repeats})`,
      rows,
    );
    const ratios = STEPS.map((k) => {
      const p = at('pactbot', k);
      const pg = at('pactbotGiven', k);
      const g = at('grammy', k);
      const gj = at('grammyJson', k);
      const m = at('machine', k);
      return {
        step: k,
        'CPU pactbot / grammY': round(p.us / g.us),
        'CPU pactbot, store given / grammY, JSON': round(pg.us / gj.us),
        'CPU pactbot / state machine': round(p.us / m.us),
        'bytes pactbot / grammY': round(p.bytes / g.bytes),
        'bytes pactbot / state machine': round(p.bytes / m.bytes),
      };
    });
    printTable('pactbot dialog against the others', ratios);
    const problems = runs.flatMap((run) => run.problems.map((p) => `${run.entrant}: ${p}`));
    for (const problem of [...new Set(problems)]) console.log(`  PROBLEM: ${problem}`);

    const targets = [10, 50].map((k) =>
      target(
        `dialogs pactbot / grammY CPU per turn at step ${k}`,
        ratios.find((r) => r.step === k)!['CPU pactbot / grammY'],
        1,
        false,
      ),
    );
    printTargets(targets);
    const figures = Object.fromEntries(
      ENTRANTS.map((entrant) => [
        entrant.key,
        Object.fromEntries(STEPS.map((k) => [k, at(entrant.key, k)])),
      ]),
    );
    return {
      summary: {
        case: 'dialogs',
        questions: QUESTIONS,
        turns_per_step: layout.rounds * layout.cohort,
        us_per_turn: Object.fromEntries(
          Object.entries(figures).map(([key, byStep]) => [
            key,
            Object.fromEntries(Object.entries(byStep).map(([k, v]) => [k, v.us])),
          ]),
        ),
        bytes_stored: Object.fromEntries(
          Object.entries(figures).map(([key, byStep]) => [
            key,
            Object.fromEntries(Object.entries(byStep).map(([k, v]) => [k, v.bytes])),
          ]),
        ),
        pactbot_over_grammy_cpu: Object.fromEntries(
          ratios.map((r) => [r.step, r['CPU pactbot / grammY']]),
        ),
        problems: problems.length,
        met: targets.every((check) => check.met) && problems.length === 0,
      },
      targets,
      raw: { steps: STEPS, inFlight: IN_FLIGHT, layout, runs },
    };
  } finally {
    await stopAll();
  }
};
