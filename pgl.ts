import { openDatabase } from '/work/main/lib/db';
(async () => {
  const db = await openDatabase({});
  console.log(await db.query(`SELECT current_database(), current_setting('jit') AS jit`));
  await db.exec(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET jit = off', current_database()); END $$;`);
  console.log(await db.query(`SELECT setdatabase, setconfig FROM pg_db_role_setting`));
  const copy = await openDatabase({ loadDataDir: await db.dump!() });
  console.log(await copy.query(`SELECT current_database(), current_setting('jit') AS jit`), await copy.query(`SELECT setdatabase, setconfig FROM pg_db_role_setting`));
  await copy.exec(`SET jit = off`);
  console.log(await copy.query(`SELECT current_setting('jit') AS jit`));
})();
