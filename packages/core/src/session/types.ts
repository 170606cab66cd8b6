import type { Fence } from '../state/types.js';

/** Options of a session write. */
export interface SessionWriteOptions {
  /**
   * The writer's conversation lock. A store that can check it refuses the write when a newer
   * holder exists, so a handler whose lock expired cannot overwrite the next handler's session.
   */
  fence?: Fence | undefined;
}

/** Where sessions live. Values are plain JSON data. */
export interface SessionStore<S> {
  /** The session under `key`, or undefined when there is none. */
  get(key: string): Promise<S | undefined> | S | undefined;
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
