import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Each logger createLogger made, with the root it was made from (no `service` key yet). */
const roots = new WeakMap<Logger, Logger>();

/**
 * Structured JSON logs; the level comes from config (silent under NODE_ENV=test). Every line
 * carries the service's name once, as `service`. Written to stdout unless a destination is given.
 */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options = { level, base: null, timestamp: pino.stdTimeFunctions.isoTime };
  const root = destination ? pino(options, destination) : pino(options);
  const log = root.child({ service: name });
  roots.set(log, root);
  return log;
}

/**
 * The logger for another service run in the same process (`npm start` runs them all): the
 * same output, its own `service` key instead of a second one (pino repeats a key a child binds
 * again, and a reader keeps either).
 */
export function serviceLog(log: Logger, name: string): Logger {
  const root = roots.get(log);
  if (!root) return log.child({ service: name });
  const child = root.child({ service: name });
  roots.set(child, root);
  return child;
}

/** Where a request's context keeps the name of the operation it ran. */
const OPERATION = Symbol('operation');
type WithOperation = { [OPERATION]?: { name?: string } };

/**
 * Gives a request's context a place for its operation's name. Apollo runs each operation on a
 * shallow copy of the context, so the place is an object the copy and the original share.
 */
export function withOperationSlot<C extends object>(context: C): C {
  (context as WithOperation)[OPERATION] = {};
  return context;
}

/** The operation the request ran: named in the document even when the client sent no operationName. */
export function operationNameOf(context: object | undefined): string | undefined {
  return (context as WithOperation | undefined)?.[OPERATION]?.name;
}

/** Records the name of the operation Apollo resolved, for the request's log line (lib/edge/http.ts). */
export function operationNamePlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, contextValue }) {
          const slot = (contextValue as WithOperation)[OPERATION];
          if (slot && operationName) slot.name = operationName;
        },
      };
    },
  };
}
