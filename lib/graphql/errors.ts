import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../log';

/** Codes whose messages are meant for the client; anything else is masked. */
const EXPOSED_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COSTLY',
  'SERVICE_UNAVAILABLE',
]);

// graphql-js reports a bad variable as: Variable "$input" got invalid value 1 at "input.code"; …
const VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?;/s;

/**
 * Keeps domain errors as they are, names the offending field of a rejected variable, and masks
 * everything unexpected: the client sees a generic message (the request id is added by
 * errorsPlugin), the log has the stack. Stack traces never leave the server.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && EXPOSED_CODES.has(code)) {
    const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
    if (code === 'BAD_USER_INPUT' && extensions.field === undefined) {
      const match = VARIABLE_ERROR.exec(formatted.message);
      if (match) extensions.field = match[2] ?? match[1];
    }
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error. Quote the request id when reporting it.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

interface LoggingContext {
  requestId: string;
  log: Logger;
}

/** Logs unexpected errors with their stack and stamps every error with the request id. */
export function errorsPlugin<C extends LoggingContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (typeof code === 'string' && EXPOSED_CODES.has(code)) continue;
            contextValue.log.error(
              { err: error.originalError ?? error, requestId: contextValue.requestId, operationName, path: error.path },
              'unexpected error',
            );
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
            ...error,
            extensions: { ...error.extensions, requestId: contextValue.requestId },
          }));
        },
      };
    },
  };
}
