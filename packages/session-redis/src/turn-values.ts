import type { StagedWrite, TurnValues } from '@pactbot/core';

/** A staged write with the key it goes to. */
export interface KeyedWrite extends StagedWrite {
  key: string;
}

/**
 * The values of a line that a turn read when it was taken (its session and button menu), and the
 * writes staged on it for its completion. Only keys the turn read can be staged: they are the
 * line's, in its hash slot, so the completion script can write them.
 */
export class LineValues implements TurnValues {
  readonly place: object;
  readonly #read: ReadonlyMap<string, string | null>;
  readonly #staged = new Map<string, StagedWrite>();
  #sealed = false;

  constructor(place: object, read: ReadonlyMap<string, string | null>) {
    this.place = place;
    this.#read = read;
  }

  /** The value as read with the turn, or as this turn's staged write leaves it. */
  read(key: string): string | null | undefined {
    const staged = this.#staged.get(key);
    // A conditional write leaves the value unknown until the completion applies it.
    if (staged) return staged.ifValue === undefined ? staged.value : undefined;
    return this.#read.get(key);
  }

  /** Stages a write of a key the turn read, until the completion begins. */
  stage(key: string, write: StagedWrite): boolean {
    if (this.#sealed || !this.#read.has(key)) return false;
    this.#staged.set(key, { ...write });
    return true;
  }

  /** Ends staging: what was staged goes with the completion, in the order it was first staged. */
  seal(): KeyedWrite[] {
    this.#sealed = true;
    return [...this.#staged].map(([key, write]) => ({ key, ...write }));
  }
}

/**
 * Values a plain lock read when it was granted. Its writes are made by their stores directly, as
 * before, so it cannot tell what changed since: each value is answered once, and a second read of
 * it goes to Redis.
 */
export function readOnceValues(
  place: object,
  read: ReadonlyMap<string, string | null>,
): TurnValues {
  const unread = new Map(read);
  return {
    place,
    read: (key) => {
      const value = unread.get(key);
      unread.delete(key);
      return value;
    },
  };
}
