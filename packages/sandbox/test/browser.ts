import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Flags for a quiet, headless Chromium that talks to nothing but the page under test. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium with a fresh profile; `close()` also removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** A new tab; errors the page throws are collected in `errors`. */
  page(viewport?: { width: number; height: number }): Promise<Page & { errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches the system's Chromium (Debian's by default; CHROMIUM_PATH overrides). Never downloads
 * a browser: without one, fails saying how to install it.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is needed for the chat page's tests but there is none at ${executablePath}. ` +
        'Install it (Debian/Ubuntu: `apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'pactbot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 860 },
  });
  return {
    context,
    async page(viewport) {
      const page = Object.assign(await context.newPage(), { errors: [] as string[] });
      if (viewport) await page.setViewportSize(viewport);
      page.on('pageerror', (error) => page.errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') page.errors.push(message.text());
      });
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
