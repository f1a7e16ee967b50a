// Debian's chromium, driven by playwright-core (no browser download): for the
// dashboard's end-to-end tests and the benchmark chart.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, as root, and quiet: without the background-networking flags it tries (and fails) to reach the internet. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  if (!hasChromium()) throw new Error('chromium is not installed: apt-get install chromium (.ci/run does this)');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}
