-- No JIT compilation for this database's sessions. The graph's statements are short; PostgreSQL
-- compiles one whenever its estimated cost crosses jit_above_cost, which grows with the tables:
-- at 100x the facility search spent 36 ms compiling a statement that ran in 9 ms. A database
-- setting reaches every session, also through PgBouncer (which refuses `-c` startup options it
-- does not track). A role that may not alter the database only gets a notice: JIT then stays
-- as the server has it, and nothing else depends on this.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'jit stays as configured: this role may not alter database %', current_database();
END
$$;
