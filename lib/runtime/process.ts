import path from 'node:path';
import { createTokenVerifier, resolveJwtConfig, type VerifyToken } from '../kernel/auth';
import type { Config } from './config';
import { openDatabase, type Database } from './db';
import { createLogger, type Logger } from './log';

/** Where the embedded database lives under the data directory. */
export function embeddedDatabaseDir(config: Config): string {
  return path.join(config.dataDir, 'pglite');
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    poolWaitMs: config.databasePoolWaitMs,
    dataDir: config.databaseUrl ? undefined : embeddedDatabaseDir(config),
  });
}

export async function createVerifier(config: Config): Promise<VerifyToken> {
  return createTokenVerifier(resolveJwtConfig(config.jwt, config.dataDir));
}

export function serviceLogger(config: Config, name: string): Logger {
  return createLogger(config.logLevel, name);
}

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits. Ctrl-C often arrives twice (the terminal
 * signals the whole process group and npm relays it too), so repeats are ignored; a stop
 * that hangs is cut short after a grace period.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>, graceMs = 10_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      log.error({ graceMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, graceMs).unref();
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Prints a start-up failure as one clear line (configuration, port in use) instead of a stack. */
export function failStartup(error: unknown): never {
  const known = error instanceof Error && ['ConfigError', 'PortInUseError', 'MigrationError'].includes(error.name);
  console.error(known ? `Cannot start: ${error.message}` : error);
  process.exit(1);
}
