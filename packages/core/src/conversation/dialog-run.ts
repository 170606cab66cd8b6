import { PactArgumentError } from '../api/errors.js';
import type { ButtonPress } from '../context/button-menus.js';
import { matchFilter, type FilterQuery } from '../composer/filters.js';
import { keepMenu } from '../context/button-presses.js';
import type { Context } from '../context/context.js';
import type { Update } from '../webhook/types.js';
import { dialogContext, type DialogSend } from './dialog-context.js';
import {
  fingerprint,
  type DialogEntry,
  type DialogState,
  type RecordedSend,
  type RecordedUpdate,
} from './dialog-state.js';
import type { Conversation, DialogFunction, WaitOptions } from './types.js';

/** Where a dialog's function stands between turns. */
export type Suspension =
  /** At a wait: ready for the customer's next message. */
  | { kind: 'waiting' }
  /** It returned. */
  | { kind: 'returned' }
  /** It threw. */
  | { kind: 'threw'; error: unknown }
  /** Replayed, it asked for other things than its record holds: its code changed. */
  | { kind: 'changed'; why: string }
  /** It took more steps than allowed. */
  | { kind: 'too-long' };

/** What a dialog's run needs from the bot. */
export interface DialogHost<C extends Context> {
  /** A context for a recorded update, as the bot would build it now. */
  contextFor(update: Update, action: ButtonPress | undefined): C;
  /** A send as the record keeps it. */
  recordSent(sent: unknown): RecordedSend;
  /** A send of the record, as `ctx.reply` resolved with it. */
  restoreSent(record: RecordedSend & { ok: true }): unknown;
}

/** A dialog's definition: its function, id and code version. */
export interface DialogDefinition<C extends Context> {
  readonly id: string;
  readonly version: string;
  readonly fn: DialogFunction<C, unknown[]>;
}

interface Waiter<C extends Context> {
  accepts(ctx: C): boolean;
  options: WaitOptions<C>;
  /** When the wait began: the time of the update the dialog handled when it reached the wait. */
  since: number;
  resolve(ctx: C): void;
}

/** A promise that never settles: what a frozen dialog's pending steps wait on. */
const FROZEN = new Promise<never>(() => undefined);

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** JSON data as the record keeps it: what a value becomes when the dialog resumes elsewhere. */
function asRecorded(value: unknown, what: string): unknown {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new PactArgumentError(
      `${what} must be JSON data (it is recorded, to replay the dialog): ${(error as Error).message}`,
    );
  }
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/** What a send's arguments are, for its fingerprint: bytes and streams count by kind, not content. */
function sendShape(method: DialogSend, args: unknown[]): unknown {
  if (method !== 'attach') return args;
  const [file, options] = args;
  const kind =
    typeof file === 'string' || (typeof file === 'object' && file !== null && 'path' in file)
      ? file
      : 'bytes';
  return [kind, options];
}

/**
 * One dialog's function, run across turns. While this process keeps it, the function is simply
 * suspended at its wait between turns — nothing runs again. When it resumes in a process that
 * does not have it (another process, or this one after a restart), the function is replayed from
 * the start against its record: waits return the recorded updates, sends and externals the
 * recorded results, so nothing is sent or done twice; then it waits for the live update.
 */
export class DialogRun<C extends Context> {
  readonly state: DialogState;
  readonly #definition: DialogDefinition<C>;
  readonly #host: DialogHost<C>;
  readonly #maxSteps: number;
  /** Ids of the updates the dialog consumed, so a redelivery is not fed twice. */
  readonly #consumed = new Set<string>();
  readonly #pending = new Set<Promise<unknown>>();
  #cursor = 0;
  #waiter: Waiter<C> | undefined;
  #suspension = deferred<Suspension>();
  #settled: Suspension | undefined;
  #live: C | undefined;
  /** The time of the latest update the dialog handled. */
  #clock: number;
  /** Set once the run ended or was given up: whatever the function awaits then never settles. */
  #frozen = false;
  /** Set once the dialog ended, however: a step called later is an error, not a silent hang. */
  #ended = false;

  /** Starts a dialog on the update that entered it (live), or replays one from its record. */
  constructor(
    definition: DialogDefinition<C>,
    state: DialogState,
    host: DialogHost<C>,
    live: C,
    maxSteps: number,
  ) {
    this.#definition = definition;
    this.state = state;
    this.#host = host;
    this.#maxSteps = maxSteps;
    this.#live = live;
    this.#clock = state.first.t;
    this.#consumed.add(state.first.id);
    for (const entry of state.log) if (entry.k === 'u') this.#consumed.add(entry.r.id);
    const replaying = state.log.length > 0 || state.turn > 1;
    const first = replaying
      ? this.#view(host.contextFor(state.first.u, state.first.a))
      : this.#view(live);
    const conversation = this.#conversation();
    // An async function: whatever it throws arrives as its promise's rejection.
    const result = definition.fn(conversation, first, ...state.args);
    result.then(
      () => this.#end({ kind: 'returned' }),
      (error: unknown) => this.#end({ kind: 'threw', error }),
    );
  }

  /** Where the function stands once it stopped running: at a wait, or ended. */
  suspension(): Promise<Suspension> {
    return this.#suspension.promise;
  }

  /** Whether an update was consumed by this dialog before (a redelivery). */
  consumed(id: string): boolean {
    return this.#consumed.has(id);
  }

  /** Sends the dialog made that have not finished yet; they are recorded when they have. */
  async sendsSettled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled(this.#pending);
  }

  /** Gives the dialog up: whatever its function awaits never settles, and it is let go. */
  freeze(): void {
    this.#frozen = true;
    this.#waiter = undefined;
  }

  /** Ends the dialog from outside (`exit()`, a timeout): its steps are refused from now on. */
  stop(): void {
    this.#ended = true;
    this.freeze();
  }

  /**
   * Offers the dialog the customer's next message. `timeout`: it came too late for the wait,
   * which ends the dialog; otherwise it was consumed, by the wait or by its `otherwise`.
   */
  feed(live: C, record: RecordedUpdate): 'timeout' | 'consumed' {
    this.#live = live;
    const waiter = this.#waiter!;
    const { timeoutMs } = waiter.options;
    if (timeoutMs !== undefined && record.t - waiter.since > timeoutMs) return 'timeout';
    this.#consumed.add(record.id);
    this.#clock = record.t;
    this.#suspension = deferred<Suspension>();
    const ctx = this.#view(live);
    if (waiter.accepts(ctx)) {
      this.#waiter = undefined;
      this.#push({ k: 'u', d: 'm', r: record });
      waiter.resolve(ctx);
    } else {
      this.#push({ k: 'u', d: 'o', r: record });
      // A press the wait does not take leaves its menu, so the customer can press another button.
      if (live.action !== undefined) keepMenu(live);
      void this.#otherwise(waiter, ctx);
    }
    return 'consumed';
  }

  async #otherwise(waiter: Waiter<C>, ctx: C): Promise<void> {
    try {
      await waiter.options.otherwise?.(ctx);
      // The wait goes on: the dialog is suspended at it again.
      if (!this.#frozen) this.#suspend();
    } catch (error) {
      this.#end({ kind: 'threw', error });
    }
  }

  get #replaying(): boolean {
    return this.#cursor < this.state.log.length;
  }

  /** The next entry of the record, if it is of the kind the function asks for. */
  #replay<K extends DialogEntry['k']>(
    kind: K,
    what: string,
  ): Extract<DialogEntry, { k: K }> | undefined {
    const entry = this.state.log[this.#cursor];
    if (entry?.k !== kind) {
      this.#end({
        kind: 'changed',
        why: `replayed, the dialog ${what} where its record has ${entry ? describeEntry(entry) : 'nothing more'}`,
      });
      return undefined;
    }
    this.#cursor++;
    return entry as Extract<DialogEntry, { k: K }>;
  }

  #push(entry: DialogEntry): void {
    this.state.log.push(entry);
    this.#cursor = this.state.log.length;
    if (this.state.log.length > this.#maxSteps) this.#end({ kind: 'too-long' });
  }

  #view(base: C): C {
    return dialogContext(base, {
      send: (method, args) => this.#send(method, args),
      live: () => this.#live,
    });
  }

  #usable(method: string): void {
    if (this.#ended) {
      throw new PactArgumentError(
        `conv.${method}() was called after the dialog ${JSON.stringify(this.#definition.id)} ended; a dialog's steps run inside its function, while it runs`,
        { code: 'PACTBOT_NOT_IN_DIALOG' },
      );
    }
  }

  #send(method: DialogSend, args: unknown[]): Promise<unknown> {
    if (this.#frozen) return FROZEN;
    const f = fingerprint(method, sendShape(method, args));
    if (this.#replaying) {
      const entry = this.#replay('s', `sends (ctx.${method})`);
      if (!entry) return FROZEN;
      if (entry.f !== f) {
        this.#end({
          kind: 'changed',
          why: `replayed, the dialog's ctx.${method}() asked for something else than it did`,
        });
        return FROZEN;
      }
      const { r } = entry;
      if (r.ok) return Promise.resolve(this.#host.restoreSent(r));
      const error = Object.assign(new Error(r.message), { name: r.name });
      return Promise.reject(error);
    }
    const live = this.#live;
    if (live === undefined) return FROZEN;
    // Placed now, so sends keep their order in the record; filled in when they end.
    const entry: Extract<DialogEntry, { k: 's' }> = {
      k: 's',
      f,
      r: { ok: false, name: 'Error', message: 'unfinished' },
    };
    this.#push(entry);
    const sent = (live[method] as (...a: unknown[]) => Promise<unknown>).apply(live, args);
    const recorded = sent.then(
      (value) => {
        entry.r = this.#host.recordSent(value);
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        entry.r = { ok: false, name: failure.name, message: failure.message };
      },
    );
    this.#pending.add(recorded);
    void recorded.finally(() => this.#pending.delete(recorded));
    return sent;
  }

  // Async, so a refusal is a rejection, as for every other step.
  async #wait(
    method: string,
    accepts: (ctx: C) => boolean,
    options: WaitOptions<C> = {},
  ): Promise<C> {
    this.#usable(method);
    if (this.#frozen) return FROZEN;
    if (this.#waiter !== undefined) {
      throw new PactArgumentError(
        `conv.${method}() was called while the dialog already waits; a dialog waits for one thing at a time`,
        { code: 'PACTBOT_NOT_IN_DIALOG' },
      );
    }
    return this.#replayWait(method, accepts, options);
  }

  async #replayWait(
    method: string,
    accepts: (ctx: C) => boolean,
    options: WaitOptions<C>,
  ): Promise<C> {
    while (this.#replaying) {
      const entry = this.#replay('u', `waits (conv.${method})`);
      if (!entry) return FROZEN;
      this.#clock = entry.r.t;
      const ctx = this.#view(this.#host.contextFor(entry.r.u, entry.r.a));
      if (entry.d === 'm') {
        if (accepts(ctx)) return ctx;
        this.#end({
          kind: 'changed',
          why: `replayed, conv.${method}() does not take the update it took before`,
        });
        return FROZEN;
      }
      await options.otherwise?.(ctx);
      if (this.#frozen) return FROZEN;
    }
    return new Promise<C>((resolve) => {
      this.#waiter = { accepts, options, since: this.#clock, resolve };
      this.#suspend();
    });
  }

  #suspend(): void {
    this.#settled = { kind: 'waiting' };
    this.#suspension.resolve(this.#settled);
  }

  #end(outcome: Suspension): void {
    if (this.#frozen) return;
    // A function that ends while its record still has steps was changed.
    const ended =
      outcome.kind === 'returned' && this.#replaying
        ? { kind: 'changed' as const, why: 'replayed, the dialog returned before its record ends' }
        : outcome;
    this.#settled = ended;
    this.#ended = true;
    this.freeze();
    this.#suspension.resolve(ended);
  }

  async #external<T>(method: string, fn: () => T | Promise<T>): Promise<T> {
    this.#usable(method);
    if (this.#frozen) return FROZEN;
    if (this.#replaying) {
      const entry = this.#replay('x', `runs conv.${method}()`);
      if (!entry) return FROZEN;
      if (entry.ok) return entry.v as T;
      throw Object.assign(new Error(entry.message), { name: entry.name });
    }
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#push({ k: 'x', ok: false, name: failure.name, message: failure.message });
      throw error;
    }
    const recorded = asRecorded(value, `what conv.${method}() resolved with`);
    this.#push({ k: 'x', ok: true, v: recorded });
    return recorded as T;
  }

  #conversation(): Conversation<C> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handle's methods are arrows over this run
    const run = this;
    const isMessage = (ctx: C) => ctx.kind === 'message' || ctx.kind === 'group_message';
    return {
      id: this.#definition.id,
      wait: (options) => run.#wait('wait', isMessage, options),
      waitFor: ((filter: FilterQuery | readonly FilterQuery[], options?: WaitOptions<C>) => {
        // Checked now, where it was written: an unknown filter throws here.
        const matches = matchFilter(filter, 'conv.waitFor()');
        return run.#wait('waitFor', matches, options);
      }) as Conversation<C>['waitFor'],
      waitForHears: (trigger, options) => {
        const list = Array.isArray(trigger) ? trigger : [trigger];
        let matched: RegExpExecArray | string | undefined;
        const accepts = (ctx: C) => {
          const text = ctx.text;
          if (!ctx.has('message:text') || text === undefined) return false;
          matched = firstHear(list as Array<string | RegExp>, text);
          if (matched === undefined) return false;
          ctx.match = matched;
          return true;
        };
        return run.#wait('waitForHears', accepts, options) as ReturnType<
          Conversation<C>['waitForHears']
        >;
      },
      waitForAction: (trigger, options) => {
        const list =
          trigger === undefined ? undefined : Array.isArray(trigger) ? trigger : [trigger];
        const accepts = (ctx: C) => {
          const action = ctx.action;
          if (action === undefined) return false;
          if (list === undefined) return true;
          const matched = firstHear(list as Array<string | RegExp>, action.id, false);
          if (matched === undefined) return false;
          ctx.match = matched;
          return true;
        };
        return run.#wait('waitForAction', accepts, options) as ReturnType<
          Conversation<C>['waitForAction']
        >;
      },
      ask: async (text, buttons, options = {}) => {
        const { timeoutMs, otherwise, ...reply } = options;
        const asker = run.#live ?? undefined;
        if (asker === undefined) {
          throw new PactArgumentError("conv.ask() was called outside the dialog's turn", {
            code: 'PACTBOT_NOT_IN_DIALOG',
          });
        }
        await run.#view(asker).buttons(text, buttons, reply);
        const ids = buttons.map((b) =>
          typeof b === 'string' ? b.trim() : (b.id ?? b.title.trim()),
        );
        const pressed = await run.#wait(
          'ask',
          (ctx) => ctx.action !== undefined && ids.includes(ctx.action.id),
          { timeoutMs, otherwise },
        );
        return pressed.action!;
      },
      external: (fn) => run.#external('external', fn),
      now: () => run.#external('now', () => Date.now()),
      random: () => run.#external('random', () => Math.random()),
    };
  }
}

/** The first trigger that matches a text: a string equals it (trimmed), a RegExp is tested on it. */
function firstHear(
  list: ReadonlyArray<string | RegExp>,
  text: string,
  trim = true,
): RegExpExecArray | string | undefined {
  for (const trigger of list) {
    if (typeof trigger === 'string') {
      if ((trim ? text.trim() : text) === trigger) return trigger;
    } else {
      trigger.lastIndex = 0;
      const match = trigger.exec(text);
      if (match) return match;
    }
  }
  return undefined;
}

function describeEntry(entry: DialogEntry): string {
  if (entry.k === 'u') return 'a wait';
  if (entry.k === 's') return 'a send';
  return 'an external';
}
