import type { Context } from '../context/context.js';
import type { DeliveryTracker } from '../outbound/delivery-tracker.js';
import { SentMessage, type Sent } from '../outbound/sent.js';
import type { ConversationLock } from '../state/types.js';
import type { Update } from '../webhook/types.js';
import type { DialogHost } from './dialog-run.js';

/** The key under which a bot lends dialogs what they need to rebuild contexts and sends. */
export const DIALOG_SERVICES: unique symbol = Symbol('pactbot.dialogServices');

/** What a bot lends its dialogs. */
export interface DialogServices {
  /** A context for an update, as the bot builds one (of the bot's context class). */
  createContext(update: Update, lock: ConversationLock | undefined): Context;
  /** The tracker behind `Sent.delivered()`. */
  readonly tracker: DeliveryTracker;
}

/** A bot, as dialogs reach it. */
export interface DialogServicesProvider {
  [DIALOG_SERVICES](): DialogServices;
}

/** The host of the dialogs run for `ctx`'s update: its bot's services, in its turn. */
export function dialogHost<C extends Context>(ctx: C): DialogHost<C> {
  const services = (ctx.bot as unknown as DialogServicesProvider)[DIALOG_SERVICES]();
  return {
    contextFor: (update, action) => {
      const rebuilt = services.createContext(update, ctx.lock) as C;
      rebuilt.action = action;
      return rebuilt;
    },
    recordSent: (value) => {
      const sent = value as Sent;
      return {
        ok: true,
        conversationId: sent.conversationId,
        parts: sent.parts.map((part) => ({ job: part.job, message: part.message })),
      };
    },
    restoreSent: (record) => {
      let sent: SentMessage | undefined;
      for (const part of record.parts) {
        sent = new SentMessage(
          part.job,
          record.conversationId,
          services.tracker,
          sent?.parts,
          part.message,
        );
      }
      return sent;
    },
  };
}
