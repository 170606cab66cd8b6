import { PactArgumentError } from '../api/errors.js';
import type { MiddlewareFn, NextFunction } from '../composer/middleware.js';
import type { Context } from '../context/context.js';
import { MemorySessionStore } from '../session/memory-store.js';
import type { SessionStore } from '../session/types.js';
import { TtlMap } from '../util/ttl-map.js';
import { conversationKey, updateIdentity } from '../webhook/update-kinds.js';
import type { DialogState, RecordedUpdate } from './dialog-state.js';
import { DialogRun, type DialogDefinition, type Suspension } from './dialog-run.js';
import { dialogHost } from './host.js';
import type {
  ConversationControls,
  ConversationFlavor,
  ConversationsOptions,
  DialogEnd,
  DialogEndReason,
} from './types.js';

/** Dialogs kept running in this process between turns, at most. */
const WARM_DIALOGS = 10_000;

/** How long a dialog idle in this process is kept running before it is let go (and replayed if it resumes). */
const WARM_TTL_MS = 60 * 60 * 1000;

/** The slot of each update's context, for `createConversation`'s middleware to find. */
const SLOTS = new WeakMap<Context, DialogSlot<Context>>();

/** What every dialog of one `conversations()` shares: its store, its options, and its running dialogs. */
class DialogPlugin<C extends Context> {
  readonly store: SessionStore<DialogState>;
  /**
   * Whether the store is the plugin's own (no `store` was given): nothing else writes it, so a
   * dialog suspended here holds the record as it was last written.
   */
  readonly ownStore: boolean;
  readonly options: ConversationsOptions<C>;
  readonly maxSteps: number;
  readonly definitions = new Map<string, DialogDefinition<C>>();
  /** Dialogs whose function is suspended here, by conversation key, with the turn they are at. */
  readonly warm = new TtlMap<string, DialogRun<C>>(WARM_DIALOGS);

  constructor(options: ConversationsOptions<C>) {
    this.options = options;
    this.ownStore = options.store === undefined;
    this.store =
      options.store ?? new MemorySessionStore<DialogState>({ ttlMs: 30 * 24 * 3600_000 });
    this.maxSteps = options.maxSteps ?? 1000;
  }

  register(definition: DialogDefinition<C>): void {
    const known = this.definitions.get(definition.id);
    if (known === definition) return;
    if (known !== undefined && known.fn !== definition.fn) {
      throw new PactArgumentError(
        `two dialogs have the id ${JSON.stringify(definition.id)}; give one another: createConversation(fn, 'another-id')`,
      );
    }
    this.definitions.set(definition.id, definition);
  }
}

/** The dialogs of one update's conversation, as `ctx.conversation` controls them. */
class DialogSlot<C extends Context> {
  readonly #plugin: DialogPlugin<C>;
  readonly #ctx: C;
  readonly #key: string;
  readonly #conversationId: number;
  readonly #stored: boolean;
  #state: DialogState | undefined;
  #run: DialogRun<C> | undefined;
  #dirty = false;

  constructor(
    plugin: DialogPlugin<C>,
    ctx: C,
    conversationId: number,
    key: string,
    state: DialogState | undefined,
  ) {
    this.#plugin = plugin;
    this.#ctx = ctx;
    this.#key = key;
    this.#conversationId = conversationId;
    this.#state = state;
    this.#stored = state !== undefined;
  }

  readonly controls: ConversationControls = {
    enter: (id, ...args) => this.#enter(id, args),
    exit: () => this.#exitActive('exited'),
    active: () => this.#state?.id,
  };

  get plugin(): DialogPlugin<C> {
    return this.#plugin;
  }

  #record(): RecordedUpdate {
    const ctx = this.#ctx;
    return {
      id: updateIdentity(ctx.update),
      t: Date.now(),
      u: ctx.update,
      ...(ctx.action ? { a: ctx.action } : {}),
    };
  }

  async #enter(id: string, args: unknown[]): Promise<void> {
    if (typeof id !== 'string' || id === '') {
      throw new PactArgumentError(`ctx.conversation.enter() needs a dialog's id, got ${typeof id}`);
    }
    const definition = this.#plugin.definitions.get(id);
    if (definition === undefined) {
      const known = [...this.#plugin.definitions.keys()];
      throw new PactArgumentError(
        `no dialog ${JSON.stringify(id)} is registered${known.length ? ` (known: ${known.join(', ')})` : ''}; add bot.use(createConversation(fn)) after bot.use(conversations()), before the handler that enters it`,
        { code: 'PACTBOT_UNKNOWN_DIALOG' },
      );
    }
    if (this.#state !== undefined) {
      throw new PactArgumentError(
        `the dialog ${JSON.stringify(this.#state.id)} is active in this conversation; end it first (await ctx.conversation.exit()) to enter ${JSON.stringify(id)}`,
        { code: 'PACTBOT_DIALOG_ACTIVE' },
      );
    }
    let stored: unknown[];
    try {
      stored = JSON.parse(JSON.stringify(args)) as unknown[];
    } catch (error) {
      throw new PactArgumentError(
        `the arguments of ctx.conversation.enter(${JSON.stringify(id)}, …) must be JSON data: ${(error as Error).message}`,
      );
    }
    const first = this.#record();
    const state: DialogState = {
      v: 1,
      id,
      version: definition.version,
      args: stored,
      first,
      log: [],
      turn: 1,
      lastAt: first.t,
    };
    this.#state = state;
    this.#dirty = true;
    const run = new DialogRun(
      definition,
      state,
      dialogHost(this.#ctx),
      this.#ctx,
      this.#plugin.maxSteps,
    );
    this.#run = run;
    await this.#after(await run.suspension());
  }

  /** Offers the update to the active dialog, when it is `definition`'s; otherwise passes it on. */
  async resume(definition: DialogDefinition<C>, next: NextFunction): Promise<void> {
    const state = this.#state;
    const ctx = this.#ctx;
    if (state === undefined || state.id !== definition.id) return next();
    // A dialog waits for the customer: acks, echoes and other updates pass by.
    if (ctx.kind !== 'message' && ctx.kind !== 'group_message') return next();
    const { expireAfterMs } = this.#plugin.options;
    const record = this.#record();
    if (expireAfterMs !== undefined && record.t - state.lastAt > expireAfterMs) {
      await this.#end('expired');
      return next();
    }
    if (state.version !== definition.version) {
      await this.#end('changed');
      return next();
    }
    const run = this.#resumed(definition, state);
    this.#run = run;
    // The run's record is the one to advance: a run kept here holds its own, current copy.
    const current = run.state;
    const replayed = await run.suspension();
    if (replayed.kind !== 'waiting') {
      await this.#after(replayed);
      return next();
    }
    // A redelivery of an update the dialog took already: it took it.
    if (run.consumed(record.id)) return;
    if (run.feed(ctx, record) === 'timeout') {
      await this.#end('timeout');
      return next();
    }
    current.turn++;
    current.lastAt = record.t;
    this.#dirty = true;
    const outcome = await run.suspension();
    await this.#after(outcome);
    // Ended for its own sake, not by what it was given: the message goes on as if none were active.
    if (outcome.kind === 'changed' || outcome.kind === 'too-long') return next();
  }

  /** The dialog's run: the one suspended here when it is current, or a replay of its record. */
  #resumed(definition: DialogDefinition<C>, state: DialogState): DialogRun<C> {
    const warm = this.#plugin.warm.get(this.#key);
    if (warm !== undefined && warm.state.turn === state.turn && warm.state.id === state.id) {
      // The run's own copy of the record is the current one.
      this.#state = warm.state;
      return warm;
    }
    warm?.freeze();
    return new DialogRun(
      definition,
      state,
      dialogHost(this.#ctx),
      this.#ctx,
      this.#plugin.maxSteps,
    );
  }

  async #after(outcome: Suspension): Promise<void> {
    if (outcome.kind === 'waiting') {
      this.#plugin.warm.set(this.#key, this.#run!, WARM_TTL_MS);
      return;
    }
    const reason: DialogEndReason =
      outcome.kind === 'changed'
        ? 'changed'
        : outcome.kind === 'too-long'
          ? 'too-long'
          : outcome.kind;
    await this.#end(reason);
    if (outcome.kind === 'threw') throw outcome.error;
  }

  async #exitActive(reason: DialogEndReason): Promise<void> {
    if (this.#state !== undefined) await this.#end(reason);
  }

  async #end(reason: DialogEndReason): Promise<void> {
    const state = this.#state;
    if (state === undefined) return;
    this.#run?.stop();
    this.#plugin.warm.delete(this.#key);
    this.#state = undefined;
    this.#dirty = true;
    const end: DialogEnd = { id: state.id, conversationId: this.#conversationId, reason };
    const ctx = this.#ctx;
    ctx.bot.events.emit('dialog:end', { ...end, update: ctx.update });
    await this.#plugin.options.onExit?.(ctx, end);
  }

  /** Writes the dialog back when the update changed it: once its sends ended, so they are in the record. */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    await this.#run?.sendsSettled();
    const lock = this.#ctx.lock;
    const writeOptions = { fence: lock?.fence, lock };
    if (this.#state !== undefined)
      await this.#plugin.store.set(this.#key, this.#state, writeOptions);
    else if (this.#stored) await this.#plugin.store.delete(this.#key, writeOptions);
  }
}

/** Controls for updates outside any conversation: there is no dialog to enter there. */
function nowhere(kind: string): ConversationControls {
  const refusal = () =>
    new PactArgumentError(`dialogs run in conversations, and ${kind} updates belong to none`, {
      code: 'PACTBOT_NO_CONVERSATION',
    });
  return {
    enter: () => Promise.reject(refusal()),
    exit: () => Promise.resolve(),
    active: () => undefined,
  };
}

/**
 * Dialogs for a bot: installs `ctx.conversation` (enter, exit, active) and keeps every
 * conversation's active dialog in a store — this process's memory by default, or any
 * `SessionStore` (a `RedisSessionStore` shares dialogs across processes and restarts). Register
 * the dialogs after it with `createConversation`; middleware registered before it runs for every
 * update, and middleware between it and the dialogs runs also while a dialog waits (a cancel
 * command that calls `ctx.conversation.exit()`, say).
 */
export function conversations<C extends Context>(
  options: ConversationsOptions<C> = {},
): MiddlewareFn<C & ConversationFlavor> {
  if (options === null || typeof options !== 'object') {
    throw new PactArgumentError('conversations() takes options: { store, expireAfterMs, onExit }');
  }
  const plugin = new DialogPlugin<C>(options);
  return async (ctx, next) => {
    const conversationId = ctx.conversationId;
    if (conversationId === undefined) {
      Object.defineProperty(ctx, 'conversation', { value: nowhere(ctx.kind), configurable: true });
      return next();
    }
    const key = conversationKey(ctx.companyId, conversationId);
    // In the plugin's own store, a dialog suspended here is current: reading it back would only
    // parse a copy of its record, which grows with every step.
    const warm = plugin.ownStore ? plugin.warm.get(key) : undefined;
    const state = warm?.state ?? (await plugin.store.get(key, { lock: ctx.lock }));
    const slot = new DialogSlot<C>(plugin, ctx, conversationId, key, state);
    SLOTS.set(ctx, slot as unknown as DialogSlot<Context>);
    Object.defineProperty(ctx, 'conversation', { value: slot.controls, configurable: true });
    try {
      await next();
    } finally {
      await slot.save();
    }
  };
}

/** The slot of an update's dialogs, for `createConversation`'s middleware. */
export function slotOf<C extends Context>(ctx: C): DialogSlot<C> | undefined {
  return SLOTS.get(ctx) as DialogSlot<C> | undefined;
}

export type { DialogSlot };
