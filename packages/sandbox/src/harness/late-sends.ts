import type { Bot, LateSendInfo } from '@pactbot/core';

/**
 * The sends a test bot made after their handlers had returned (`bot.events` `send:late`),
 * collected so the test's next step, or `tester.close()`, fails on them.
 */
export class LateSends {
  readonly #events: Bot['events'];
  readonly #found: LateSendInfo[] = [];
  readonly #listener = (info: LateSendInfo): void => void this.#found.push(info);

  constructor(events: Bot['events']) {
    this.#events = events;
    events.on('send:late', this.#listener);
  }

  /** Takes the late sends found so far, of one conversation or of all. */
  take(conversationId?: number): LateSendInfo[] {
    const taken: LateSendInfo[] = [];
    for (let i = 0; i < this.#found.length;) {
      const info = this.#found[i]!;
      if (conversationId === undefined || info.conversationId === conversationId) {
        taken.push(info);
        this.#found.splice(i, 1);
      } else i++;
    }
    return taken;
  }

  /** Stops collecting. */
  close(): void {
    this.#events.off('send:late', this.#listener);
  }
}
