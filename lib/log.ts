import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; the level comes from config (silent under NODE_ENV=test). */
export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
