import { PactArgumentError } from '../api/errors.js';
import { show } from '../api/validate.js';

/** Options of a bot for WhatsApp Business (`new Bot({ waba: { … } })`). */
export interface WabaOptions {
  /**
   * Refuse free-form sends (`ctx.reply`, `ctx.attach`, `ctx.buttons`, `bot.send`) to a WhatsApp
   * Business conversation whose 24-hour window is closed, with `WindowClosedError`, before they
   * reach Pact. Default true. `false` sends them anyway (for accounts WhatsApp lets write
   * freely, or a bot that knows better): `ctx.window` still tells the window.
   */
  enforceWindow?: boolean | undefined;
  /** How long the company's template list is kept before it is listed again, in ms. Default 10 minutes. */
  templatesTtlMs?: number | undefined;
}

/** The options with their defaults, checked. */
export function wabaOptions(options: WabaOptions | undefined): {
  enforceWindow: boolean;
  templatesTtlMs: number;
} {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new PactArgumentError(
      `waba must be an object like { enforceWindow: false }, got ${show(options)}`,
    );
  }
  const enforceWindow = options?.enforceWindow ?? true;
  if (typeof enforceWindow !== 'boolean') {
    throw new PactArgumentError(
      `waba.enforceWindow must be true or false, got ${show(enforceWindow)}`,
    );
  }
  const templatesTtlMs = options?.templatesTtlMs ?? 10 * 60 * 1000;
  if (!(Number.isFinite(templatesTtlMs) && templatesTtlMs >= 0)) {
    throw new PactArgumentError(
      `waba.templatesTtlMs must be a number of milliseconds, 0 or more, got ${show(templatesTtlMs)}`,
    );
  }
  return { enforceWindow, templatesTtlMs };
}
