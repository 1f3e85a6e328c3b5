import { GraphQLError } from 'graphql';

/** The error codes every subgraph uses (DESIGN.md, GraphQL conventions). */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'INVALID_TRANSITION';

/** A field or action that needs a signed-in caller; the rest of the response still stands. */
export function unauthenticated(message = 'Sign in to see this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

/** A token that fails verification: the whole request is refused with HTTP 401. */
export function rejectedToken(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** A rejected input value; `field` is its path in the mutation input, e.g. `input.code`. */
export function badInput(field: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field, ...extra } });
}

/**
 * A refusal by a named rule (`rule` in the error's extensions, so clients and tests tell rules
 * apart): BAD_USER_INPUT naming the input `field` that breaks it, or CONFLICT when no input is at
 * fault and the record's state is.
 */
export function ruleBroken(rule: string, message: string, field?: string): GraphQLError {
  return field ? badInput(field, message, { rule }) : conflict(message, { rule });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

export function conflict(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'CONFLICT', ...extra } });
}

export function invalidTransition(from: string, to: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'INVALID_TRANSITION', from, to } });
}
