import fs from 'node:fs';
import globalSetup from './global-setup-pglite';
import { PGLITE_SNAPSHOT_ENV } from './snapshot';

/**
 * Stryker runs Jest many times in one worker process: migrate the PGlite image on the first run
 * only, and remove it when the worker exits.
 */
export default async function strykerGlobalSetup(): Promise<void> {
  const existing = process.env[PGLITE_SNAPSHOT_ENV];
  if (existing && fs.existsSync(existing)) return;
  await globalSetup();
  const file = process.env[PGLITE_SNAPSHOT_ENV]!;
  process.once('exit', () => fs.rmSync(file, { force: true }));
}
