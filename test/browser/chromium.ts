/**
 * The Chromium every browser test drives through playwright-core: Debian's package
 * (`/usr/bin/chromium`, installed by .ci/run) unless CHROMIUM_PATH names another, headless, with
 * the background traffic (updates, sync, QUIC probes) off so that a test only sees its own page.
 */
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts that Chromium (one per test file; close it in afterAll). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}
