import fs from 'node:fs';
import { PGLITE_SNAPSHOT_ENV } from './snapshot';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[PGLITE_SNAPSHOT_ENV];
  if (file) fs.rmSync(file, { force: true });
}
