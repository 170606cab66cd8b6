import type { PactClient } from '../api/client.js';
import { TtlMap } from '../util/ttl-map.js';
import {
  readConversationFacts,
  type PactConversationFacts,
  type PactWindowFacts,
} from './pact-facts.js';

/** How long what was learned of a conversation is kept: its messenger, channel and phone do not change. */
const FACTS_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * What this process knows of each conversation — its messenger, channel and customer's phone —
 * learned from updates, else read from Pact once. Bounded; none of it changes, so nothing here
 * goes stale (a forgotten entry is read again).
 */
export class ConversationDirectory {
  readonly #api: PactClient;
  readonly #facts: TtlMap<number, Partial<PactConversationFacts>>;
  readonly #reading = new Map<number, Promise<PactWindowFacts>>();

  constructor(api: PactClient, maxEntries = 100_000) {
    this.#api = api;
    this.#facts = new TtlMap(maxEntries);
  }

  /** Takes note of what an update (or the state) tells about a conversation. */
  learn(conversationId: number, facts: Partial<PactConversationFacts>): void {
    const known = this.#facts.get(conversationId);
    if (
      known !== undefined &&
      (facts.provider === undefined || known.provider === facts.provider) &&
      (facts.channelId === undefined || known.channelId === facts.channelId) &&
      (facts.phone === undefined || known.phone === facts.phone)
    ) {
      return;
    }
    this.#facts.set(
      conversationId,
      {
        provider: facts.provider ?? known?.provider,
        channelId: facts.channelId ?? known?.channelId,
        phone: facts.phone ?? known?.phone,
      },
      FACTS_TTL_MS,
    );
  }

  /** What is known of a conversation here, without asking Pact. */
  known(conversationId: number): Partial<PactConversationFacts> | undefined {
    return this.#facts.get(conversationId);
  }

  /**
   * Reads a conversation from Pact (one read at a time per conversation) and keeps what it tells.
   * `window: true` also learns when its customer last wrote.
   */
  read(conversationId: number, options: { window: boolean }): Promise<PactWindowFacts> {
    const running = this.#reading.get(conversationId);
    if (running && options.window) {
      // A read without the window may be running: the window's read follows it.
      return running.then((facts) =>
        facts.customerAt === undefined && facts.provider === 'whatsapp_business'
          ? this.read(conversationId, options)
          : facts,
      );
    }
    if (running) return running;
    const reading = readConversationFacts(this.#api, conversationId, options).then((facts) => {
      const known = this.#facts.get(conversationId);
      this.#facts.set(
        conversationId,
        {
          provider: facts.provider,
          channelId: facts.channelId ?? known?.channelId,
          phone: facts.phone ?? known?.phone,
        },
        FACTS_TTL_MS,
      );
      return facts;
    });
    this.#reading.set(conversationId, reading);
    const done = (): void => {
      if (this.#reading.get(conversationId) === reading) this.#reading.delete(conversationId);
    };
    reading.then(done, done);
    return reading;
  }
}
