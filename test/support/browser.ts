import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's headless Chromium for the browser tests. CI installs it and sets REQUIRE_BROWSER, so
 * there these tests can only pass by running; elsewhere a missing browser is a visible skip.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const browserAvailable = fs.existsSync(CHROMIUM);
if (!browserAvailable && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but there is no browser at ${CHROMIUM}.`);
if (!browserAvailable) console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium).`);

export const browserTest = browserAvailable ? test : test.skip;

export function launchChromium(): Promise<Browser> {
  // As root Chromium needs --no-sandbox.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}
