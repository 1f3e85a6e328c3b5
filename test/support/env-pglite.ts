process.env.NODE_ENV = 'test';
process.env.TEST_DB_KIND = 'pglite';
