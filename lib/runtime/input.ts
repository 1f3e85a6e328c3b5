import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';

/**
 * The path of an input value as a client wrote it: the argument's name, then object fields and
 * list indexes (`input.households`, `filter.within`). Both an inline literal and a variable
 * are named this way, so the same bad value gets the same answer however it is sent.
 */
function pathTo(document: DocumentNode, found: (node: ASTNode) => boolean): string | undefined {
  const path: string[] = [];
  let result: string | undefined;
  visit(document, {
    enter(node) {
      // A variable's own definition is not a place it is used.
      if (result !== undefined || node.kind === Kind.VARIABLE_DEFINITION) return false;
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.push(node.name.value);
      if (found(node)) {
        result = path.join('.');
        return false;
      }
      return undefined;
    },
    leave(node) {
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.pop();
    },
  });
  return result || undefined;
}

/** Where a variable is used as an argument value, e.g. `$h` in `input: { households: $h }`. */
export function argumentPathOfVariable(document: DocumentNode, variable: string): string | undefined {
  return pathTo(document, (node) => node.kind === Kind.VARIABLE && node.name.value === variable);
}

// graphql-js reports a bad variable as: Variable "$input" got invalid value 1 at "input.code"; …
const VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?;/s;

/**
 * The field a variable refusal names: the argument path the variable fills, plus the path
 * inside the variable's value (`input.households` for `$input` at "input.households").
 */
export function fieldOfVariableError(document: DocumentNode | undefined, message: string): string | undefined {
  const match = VARIABLE_ERROR.exec(message);
  if (!match) return undefined;
  const [, variable, inner] = match as unknown as [string, string, string | undefined];
  const argument = document ? argumentPathOfVariable(document, variable) : undefined;
  if (!argument) return inner ?? variable;
  // graphql-js starts the inner path with the variable's own name.
  const rest = inner === undefined ? '' : inner.replace(/^[^.[]+/, '');
  return `${argument}${rest}`;
}

const NUL = '\u0000';

/** A validation error on one of these is about an input value the client wrote inline. */
const INPUT_NODES = new Set<string>([
  Kind.STRING,
  Kind.INT,
  Kind.FLOAT,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);

function nulIn(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulIn(item, `${path}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

function nulRefusal(field: string): GraphQLError {
  return new GraphQLError('Text may not contain the NUL character (U+0000).', {
    extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
  });
}

/**
 * Input hygiene at the edge, once for every service:
 * - a value error in an inline literal (a bad AreaCode written in the query) is annotated with
 *   the argument path, so formatError reports BAD_USER_INPUT naming the field, as it does when
 *   the same value comes as a variable;
 * - a NUL character anywhere in a string input is refused before anything runs: PostgreSQL
 *   cannot store it and would fail the request deep inside instead.
 */
export function inputPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async validationDidStart({ document }) {
          return async (errors) => {
            for (const error of (errors ?? []) as GraphQLError[]) {
              const node = error.nodes?.[0];
              if (!node || !INPUT_NODES.has(node.kind) || !document) continue;
              const field = pathTo(document, (candidate) => candidate === node);
              if (field) Object.assign(error.extensions as Record<string, unknown>, { field, inputError: true });
            }
          };
        },
        async didResolveOperation({ document, request }) {
          let literal: string | undefined;
          visit(document, {
            StringValue(node) {
              if (literal === undefined && node.value.includes(NUL))
                literal = pathTo(document, (candidate) => candidate === node) ?? 'query';
            },
          });
          if (literal) throw nulRefusal(literal);
          for (const [name, value] of Object.entries(request.variables ?? {})) {
            const inner = nulIn(value, '');
            if (inner !== undefined) throw nulRefusal(`${argumentPathOfVariable(document, name) ?? name}${inner}`);
          }
        },
      };
    },
  };
}
