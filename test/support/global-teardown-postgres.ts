import pg from 'pg';
import { POSTGRES_TEMPLATE_ENV } from './snapshot';

export default async function globalTeardown(): Promise<void> {
  const template = process.env[POSTGRES_TEMPLATE_ENV];
  if (!template) return;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.end();
}
