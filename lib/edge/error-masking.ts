import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDataException, isDatabaseUnavailable } from '../runtime/db/prisma-errors';
import type { Logger } from '../runtime/log';
import { LIMIT_CODES } from './limits';

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
  'SERVICE_UNAVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'RESPONSE_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
  'OPERATION_NOT_REGISTERED',
  ...LIMIT_CODES,
]);

// graphql-js reports a bad variable as: Variable "$input" got invalid value 1 at "input.code"; …
const VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?;/s;
const TOKEN_LIMIT = /^Syntax Error: Document contains more that (\d+) tokens/;

/** Internal names (which subgraph answered) stay in the logs. */
const PRIVATE_EXTENSIONS = ['stacktrace', 'exception', 'serviceName', 'inputError', 'http'];

/**
 * What an error really is, before Apollo's wrappers: a limit refusal or an input error found
 * during validation (Apollo labels every validation error GRAPHQL_VALIDATION_FAILED), a lost
 * database, or a value the database refused.
 */
function classify(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const original = unwrapResolverError(error);
  if (code === 'GRAPHQL_VALIDATION_FAILED') {
    const cause = error instanceof GraphQLError ? error.originalError : undefined;
    if (cause instanceof GraphQLError && (LIMIT_CODES as readonly string[]).includes(cause.extensions.code as string)) {
      return { ...formatted, message: cause.message, extensions: { ...cause.extensions } };
    }
    if (formatted.extensions?.inputError) return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  }
  if (code === 'GRAPHQL_PARSE_FAILED') {
    const match = TOKEN_LIMIT.exec(formatted.message);
    if (match) {
      return {
        message: `The query has more than ${match[1]} tokens; send a smaller document.`,
        extensions: { code: 'TOO_MANY_TOKENS', maxTokens: Number(match[1]) },
      };
    }
  }
  if (typeof code === 'string' && EXPOSED_CODES.has(code)) return formatted;
  // graphql-js stops after 50 bad variable values with an error of no code: still bad input.
  if (/^Too many errors processing variables/.test(formatted.message)) {
    return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT', field: 'variables' } };
  }
  if (isDatabaseUnavailable(original)) {
    return {
      message: 'The database is unavailable; try again shortly.',
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    };
  }
  if (isDataException(original)) {
    return {
      message: 'A value is outside what can be stored; check the input.',
      path: formatted.path,
      extensions: { code: 'BAD_USER_INPUT' },
    };
  }
  return formatted;
}

/**
 * Keeps domain errors as they are, names the offending field of a rejected variable, and masks
 * everything unexpected: the client sees a generic message (the request id is added by
 * errorsPlugin), the log has the stack. Stack traces never leave the server.
 */
export function formatError(raw: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const formatted = classify(raw, error);
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && EXPOSED_CODES.has(code)) {
    const extensions = Object.fromEntries(Object.entries(formatted.extensions ?? {}).filter(([key]) => !PRIVATE_EXTENSIONS.includes(key)));
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
