import type { ConversationLock, Fence } from '../state/types.js';

/** Options of a session read. */
export interface SessionReadOptions {
  /**
   * The reader's turn of the conversation the session is kept under. A store in the same place as
   * the bot's state (Redis: same client, same prefix) may answer from what the turn read when it
   * was taken (see `ConversationLock.values`), saving a round trip.
   */
  lock?: ConversationLock | undefined;
}

/** Options of a session write. */
export interface SessionWriteOptions {
  /**
   * The writer's conversation lock. A store that can check it refuses the write when a newer
   * holder exists, so a handler whose lock expired cannot overwrite the next handler's session.
   */
  fence?: Fence | undefined;
  /**
   * The writer's turn of the conversation the session is kept under. A store in the same place as
   * the bot's state may stage the write on the turn, which applies it when it completes — in one
   * step with marking the update handled, and only if the turn is still held then.
   */
  lock?: ConversationLock | undefined;
}

/** Where sessions live. Values are plain JSON data. */
export interface SessionStore<S> {
  /** The session under `key`, or undefined when there is none. */
  get(key: string, options?: SessionReadOptions): Promise<S | undefined> | S | undefined;
  /** Stores the session under `key`. */
  set(key: string, value: S, options?: SessionWriteOptions): Promise<void> | void;
  /** Removes the session under `key`. */
  delete(key: string, options?: SessionWriteOptions): Promise<void> | void;
}

/** Adds a typed `ctx.session` to a context type: `type MyContext = Context & SessionFlavor<{ step: number }>`. */
export interface SessionFlavor<S> {
  /** This conversation's session: loaded before the handler, saved after it if changed. */
  session: S;
}
