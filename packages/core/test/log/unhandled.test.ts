import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import {
  memoryState,
  PactArgumentError,
  StateUnavailableError,
  type BotState,
  type Context,
  type LateSendInfo,
  type Logger,
} from '@pactbot/core';
import { deferred, startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  vi.restoreAllMocks();
});

/** A logger that keeps what it was given: level, then the arguments. */
function recordingLogger(): Logger & { lines: Array<[string, ...unknown[]]> } {
  const lines: Array<[string, ...unknown[]]> = [];
  return {
    lines,
    error: (...args: unknown[]) => void lines.push(['error', ...args]),
    warn: (...args: unknown[]) => void lines.push(['warn', ...args]),
    info: (...args: unknown[]) => void lines.push(['info', ...args]),
    debug: (...args: unknown[]) => void lines.push(['debug', ...args]),
  };
}

/** Makes the stand-in of Pact refuse every send with a 422 it would never take back. */
function refuseSends(f: BotFixture): void {
  f.stub.route('POST', /^\/p1\/companies\/\d+\/conversations\/\d+\/messages$/, {
    status: 422,
    body: { status: 'error', errors: { message: ['is too long'] } },
  });
}

describe('errors nobody handled', () => {
  it("prints a handler's error once, on one line that says what to do, then counts its repeats", async () => {
    const logger = recordingLogger();
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', () => {
        throw new TypeError('boom');
      }),
    );
    for (let i = 1; i <= 12; i++) await fixture.post(messageNew({ conversationId: i }));

    expect(logger.lines).toHaveLength(2);
    const [level, line, detail] = logger.lines[0]!;
    expect(level).toBe('error');
    expect(line).toMatch(
      /^pactbot: a handler failed on a message update in conversation 1: TypeError: boom \(at .*unhandled\.test\.ts:\d+:\d+\)\. Handle errors with bot\.catch\(\(error, ctx\) => …\); each kind of failure is printed once, then counted\.$/,
    );
    expect(line).not.toContain('\n');
    // The error itself follows, for a console to print its stack.
    expect(detail).toBeInstanceOf(TypeError);
    expect(logger.lines[1]).toEqual([
      'warn',
      'pactbot: 10 times so far: a handler failed on message updates: TypeError: boom (printed in full the first time, counted since)',
    ]);

    await fixture.close();
    fixture = undefined;
    expect(logger.lines[2]).toEqual([
      'warn',
      'pactbot: 12 times in all: a handler failed on message updates: TypeError: boom',
    ]);
    expect(logger.lines).toHaveLength(3);
  });

  it('prints each kind of failure once: another error is another line', async () => {
    const logger = recordingLogger();
    let left = 3;
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', (ctx) => {
        throw ctx.text === 'a'
          ? new RangeError(`out of stock: ${left--} left`)
          : new Error('no menu');
      }),
    );
    await fixture.post(messageNew({ text: 'a' }));
    await fixture.post(messageNew({ text: 'b' }));
    // The same failure with other numbers in its message is the same kind.
    await fixture.post(messageNew({ text: 'a' }));
    await fixture.post(messageNew({ text: 'b' }));
    expect(
      logger.lines.map(([level, line]) => [level, /: (\w*Error: [^(]*)/.exec(line as string)?.[1]]),
    ).toEqual([
      ['error', 'RangeError: out of stock: 3 left '],
      ['error', 'Error: no menu '],
    ]);
  });

  it('prints to the console by default, and nothing with logger: false', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fixture = await startBot({}, (bot) =>
      bot.on('message', () => {
        throw new Error('by default');
      }),
    );
    await fixture.post(messageNew());
    expect(printed).toHaveBeenCalledTimes(1);
    expect(printed.mock.calls[0]![0]).toMatch(/^pactbot: a handler failed .*Error: by default/);
    await fixture.close();

    printed.mockClear();
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    fixture = await startBot({ logger: false }, (bot) =>
      bot.on('message', (ctx) => {
        void ctx.reply('fire and forget');
        throw new Error('silenced');
      }),
    );
    refuseSends(fixture);
    await fixture.post(messageNew());
    await fixture.close();
    fixture = undefined;
    expect(printed).not.toHaveBeenCalled();
    expect(warned).not.toHaveBeenCalled();
  });

  it('leaves errors to bot.catch, or to a listener of error, and prints nothing then', async () => {
    const logger = recordingLogger();
    const caught: unknown[] = [];
    fixture = await startBot({ logger }, (bot) => {
      bot.catch((error) => void caught.push(error));
      bot.on('message', () => {
        throw new Error('handled by bot.catch');
      });
    });
    await fixture.post(messageNew());
    expect(caught).toHaveLength(1);
    await fixture.close();

    const heard: unknown[] = [];
    fixture = await startBot({ logger }, (bot) => {
      bot.events.on('error', ({ error }) => void heard.push(error));
      bot.on('message', () => {
        throw new Error('handled by a listener');
      });
    });
    await fixture.post(messageNew());
    expect(heard).toHaveLength(1);
    expect(logger.lines).toEqual([]);
  });

  it('prints an error that bot.catch itself threw', async () => {
    const logger = recordingLogger();
    fixture = await startBot({ logger }, (bot) => {
      bot.catch(() => {
        throw new Error('the error handler broke');
      });
      bot.on('message', () => {
        throw new Error('first');
      });
    });
    await fixture.post(messageNew());
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]![1]).toMatch(
      /^pactbot: bot\.catch itself threw on a message update in conversation 1: Error: the error handler broke \(at .*\)\. Catch what the error handler may throw inside it; each kind of failure is printed once, then counted\.$/,
    );
  });

  it('prints an error of the machinery around the handlers that nobody listens to', async () => {
    const logger = recordingLogger();
    const inner = memoryState();
    const state: BotState = {
      claim: (key, options) => inner.claim(key, options),
      claimUpdate: (key, options) => inner.claimUpdate(key, options),
      lock: () => Promise.reject(new StateUnavailableError('the lock store is away')),
      getValue: (key) => inner.getValue(key),
      setValue: (key, value, ttlMs) => inner.setValue(key, value, ttlMs),
      deleteValue: (key) => inner.deleteValue(key),
    };
    fixture = await startBot({ logger, state }, (bot) => bot.on('message', () => undefined));
    await fixture.post(messageNew({ conversationId: 5 }));
    expect(logger.lines).toEqual([
      [
        'error',
        "pactbot: an error outside the handlers on a message update in conversation 5: StateUnavailableError: the lock store is away. Listen to bot.events 'error' to handle such errors; each kind of failure is printed once, then counted.",
      ],
    ]);
  });
});

describe('a send that failed with nothing awaiting it', () => {
  it('is printed once, saying to await it or to listen for api:error', async () => {
    const logger = recordingLogger();
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', (ctx) => {
        void ctx.reply('fire and forget');
      }),
    );
    refuseSends(fixture);
    await fixture.post(messageNew({ conversationId: 3 }));
    await fixture.post(messageNew({ conversationId: 4 }));
    expect(logger.lines).toHaveLength(1);
    const [level, line] = logger.lines[0]!;
    expect(level).toBe('error');
    expect(line).toMatch(
      /^pactbot: a send to conversation 3 failed after its handler \(a message update in conversation 3\) had returned, and nothing awaited it: PactApiError: .*422.*\. Await \(or return\) ctx\.reply\(\) and the other sends to handle their failures, or listen to bot\.events 'api:error'; each kind of failure is printed once, then counted\.$/,
    );
  });

  it('is not printed when the handler awaited it, or when someone listens for api:error', async () => {
    const logger = recordingLogger();
    const caught: unknown[] = [];
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', async (ctx) => {
        try {
          await ctx.reply('awaited');
        } catch (error) {
          caught.push(error);
        }
      }),
    );
    refuseSends(fixture);
    await fixture.post(messageNew());
    expect(caught).toHaveLength(1);
    await fixture.close();

    const failures: Error[] = [];
    fixture = await startBot({ logger }, (bot) => {
      bot.events.on('api:error', (error) => void failures.push(error));
      bot.on('message', (ctx) => {
        void ctx.reply('fire and forget');
      });
    });
    refuseSends(fixture);
    await fixture.post(messageNew());
    expect(failures).toHaveLength(1);
    expect(logger.lines).toEqual([]);
  });

  it('awaited and not caught, is the handler failing, printed as such', async () => {
    const logger = recordingLogger();
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', async (ctx) => {
        await ctx.reply('awaited');
      }),
    );
    refuseSends(fixture);
    await fixture.post(messageNew());
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]![1]).toMatch(
      /^pactbot: a handler failed on a message update .*PactApiError/,
    );
  });
});

describe('a send after its handler returned', () => {
  it('is reported on bot.events as send:late, and warned of when nobody listens', async () => {
    const logger = recordingLogger();
    let kept: Context | undefined;
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', async (ctx) => {
        kept = ctx;
        await ctx.reply('in time');
      }),
    );
    await fixture.post(messageNew({ conversationId: 9 }));
    expect(logger.lines).toEqual([]);

    // The handler returned long ago; something it left behind sends now.
    await kept!.reply('too late');
    await kept!.reply('later still');
    expect(fixture.sends().map((s) => s.body.message)).toEqual([
      'in time',
      'too late',
      'later still',
    ]);
    expect(logger.lines).toEqual([
      [
        'warn',
        'pactbot: a send to conversation 9 started after its handler (a message update in conversation 9) had returned: it may reach the customer after the replies to later updates, and changes to ctx.session made after the handler returned are lost. Await (or return) every send in the handler (to send later on purpose, use bot.api.messages.send); each kind of failure is printed once, then counted.',
      ],
    ]);

    const late: LateSendInfo[] = [];
    fixture.bot.events.on('send:late', (info) => void late.push(info));
    await fixture.post(messageNew({ conversationId: 10, externalId: 777 }));
    await kept!.reply('too late again');
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({
      conversationId: 10,
      id: expect.stringContaining('777') as string,
    });
    expect(logger.lines).toHaveLength(1);
  });

  it('is not reported for replies the handler awaited, nor for those of bot.catch', async () => {
    const late: LateSendInfo[] = [];
    const caught = deferred();
    fixture = await startBot({}, (bot) => {
      bot.events.on('send:late', (info) => void late.push(info));
      bot.catch(async (_error, ctx) => {
        // Not awaited, in two parts (over WhatsApp's 4096 characters), from the error handler.
        void ctx.reply(`${'a'.repeat(4000)}\n\n${'b'.repeat(200)}`);
        await Promise.resolve();
        caught.resolve();
      });
      bot.on('message', async (ctx) => {
        await ctx.reply('one');
        void ctx.reply('two');
        if (ctx.text === 'fail') throw new Error('and now it fails');
      });
    });
    await fixture.post(messageNew({ text: 'ok' }));
    await fixture.post(messageNew({ text: 'fail' }));
    await caught.promise;
    expect(fixture.sends().map((s) => s.body.message?.slice(0, 3))).toEqual([
      'one',
      'two',
      'one',
      'two',
      'aaa',
      'bbb',
    ]);
    expect(late).toEqual([]);
  });
});

describe('the logger option', () => {
  it('takes a pino logger as it is: one JSON line per failure, its message the line', async () => {
    const written: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    });
    const logger = pino({ base: undefined }, destination);
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', () => {
        throw new Error('pino saw it');
      }),
    );
    await fixture.post(messageNew());
    await fixture.post(messageNew());
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      level: 50,
      msg: expect.stringMatching(
        /^pactbot: a handler failed on a message update in conversation 1: Error: pino saw it \(at .*\)\. Handle errors with bot\.catch/,
      ) as string,
    });
  });

  it('refuses what is not a logger, saying what is', async () => {
    await expect(
      startBot({ logger: { error: () => undefined } as unknown as Logger }),
    ).rejects.toThrow(
      new PactArgumentError(
        'logger must be an object with error() and warn() methods (console, a pino or winston logger), or false for none',
      ),
    );
  });

  it('warns when bot.stop() cuts work off and nobody listens for dropped', async () => {
    const logger = recordingLogger();
    const started = deferred();
    const release = deferred();
    fixture = await startBot({ logger }, (bot) =>
      bot.on('message', async () => {
        started.resolve();
        await release.promise;
      }),
    );
    const answer = fixture.post(messageNew());
    await started.promise;
    await fixture.bot.stop({ timeoutMs: 20 });
    release.resolve();
    expect((await answer).status).toBe(503);
    expect(logger.lines).toEqual([
      [
        'warn',
        "pactbot: the bot stopped with 1 update and 0 sends unfinished: the sends were cut off, and the updates are left to Pact's redelivery (with a durable inbox, to the other processes). Give bot.stop({ timeoutMs }) longer to let them finish.",
      ],
    ]);
  });
});
