import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase } from '../../lib/runtime/db';
import { migrationTimelines } from '../../scripts/subgraph-code';
import { databaseUrl, POSTGRES_TEMPLATE_ENV } from './snapshot';

/** Migrates one template database per run; every test database is created from it. */
export default async function globalSetup(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const template = `crg_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const database = await openDatabase({ url: databaseUrl(adminUrl, template), poolSize: 1 });
  await migrate(database, migrationTimelines());
  await database.close();
  process.env[POSTGRES_TEMPLATE_ENV] = template;
}
