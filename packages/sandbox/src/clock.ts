/**
 * The sandbox's clock: real time, moved forward on request, so a test or the chat page can let a
 * customer stay silent for a day without waiting for one. The sandbox as a whole has an offset,
 * and each conversation one more of its own; every time the sandbox reports for a conversation —
 * message and job times, the dates of webhooks, the customer's last message — is read from that
 * conversation's clock.
 */

/** What carries a clock of its own: a conversation, by its offset. */
export interface Clocked {
  /** How far this conversation's clock runs ahead of the sandbox's, in ms. */
  clock_offset_ms: number;
}

/** Real time plus how far the sandbox was moved forward. */
export class SandboxClock {
  readonly #realNow: () => number;
  #offsetMs = 0;

  constructor(realNow: () => number = Date.now) {
    this.#realNow = realNow;
  }

  /** How far the sandbox's clock runs ahead of real time, in ms. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** How far a conversation's clock runs ahead of real time: the sandbox's offset and its own. */
  offsetOf(conversation: Clocked | undefined): number {
    return this.#offsetMs + (conversation?.clock_offset_ms ?? 0);
  }

  /** The time now by the sandbox's clock, or by a conversation's. */
  now(conversation?: Clocked): Date {
    return new Date(this.#realNow() + this.offsetOf(conversation));
  }

  /** Moves the sandbox's clock (and so every conversation's) forward. */
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
