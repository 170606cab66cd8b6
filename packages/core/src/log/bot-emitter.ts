import { EventEmitter } from 'eventemitter3';
import type { BotEvents, ErrorInfo } from '../runtime/events.js';

/**
 * The emitter behind `bot.events`: an eventemitter3 emitter that also hands every `error` to the
 * trace, and each one nobody listens to to the bot's log — so an error is never lost just because
 * nothing subscribed, while a listener (or `bot.catch`) takes it over entirely.
 */
export class BotEmitter extends EventEmitter<BotEvents, unknown> {
  /** Gets every `error`, heard or not (the `DEBUG` trace). */
  seen: ((info: ErrorInfo) => void) | undefined;
  /** Gets each `error` nobody listens to. */
  unheard: ((info: ErrorInfo) => void) | undefined;

  override emit<T extends EventEmitter.EventNames<BotEvents>>(
    event: T,
    ...args: EventEmitter.EventArgs<BotEvents, T>
  ): boolean {
    if (event === 'error') {
      const info = args[0] as ErrorInfo;
      this.seen?.(info);
      if (this.unheard && this.listenerCount('error') === 0) {
        this.unheard(info);
        return false;
      }
    }
    return super.emit(event, ...args);
  }

  /** Emits an `error` to its listeners only, saying whether there were any. */
  emitError(info: ErrorInfo): boolean {
    this.seen?.(info);
    return super.emit('error', info);
  }
}
