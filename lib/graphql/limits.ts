import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  getNamedType,
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connections';
import { fieldOfVariableError } from './input';

/** What one operation may ask for; the gateway and every subgraph apply the same. */
export interface QueryLimits {
  maxDepth: number;
  /** Fields × the rows each list could return (see costEstimator). */
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexical tokens in the document: bounds its size before it is even parsed fully. */
  maxTokens: number;
  /** Field selections visited when pricing, fragments expanded: bounds the work of planning. */
  maxFields: number;
}

/** The codes a refused operation carries (HTTP 400, before planning or execution). */
export const LIMIT_CODES = ['QUERY_TOO_DEEP', 'QUERY_TOO_COSTLY', 'TOO_MANY_ALIASES', 'TOO_MANY_DIRECTIVES', 'TOO_MANY_TOKENS', 'TOO_MANY_FIELDS'] as const;
export type LimitCode = (typeof LIMIT_CODES)[number];

function refusal(code: LimitCode, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

/** Armor reports "… limit of N exceeded, found M."; its callback gets that error only. */
function found(error: GraphQLError): number | undefined {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

function reportAs(code: LimitCode, describe: (found: number | undefined) => string, limit: Record<string, number>): GraphQLArmorRejectCallback[] {
  return [(context, error) => context?.reportError(refusal(code, describe(found(error)), { ...limit, found: found(error) }))];
}

/**
 * A field costs 1 plus what lies under it times the rows it can return: `first` (clamped to
 * the page size a list allows; a larger one is refused as input by the list itself), the
 * default page for a connection asked for without `first`, and for `_entities` (a subgraph's
 * federation entry point) the number of representations the gateway sent. `__typename` and
 * every alias cost like any other field: leaves are not free.
 */
export const costEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  let rows = 1;
  if (field.name === '_entities') {
    rows = Array.isArray(args.representations) ? args.representations.length : 1;
  } else if (typeof args.first === 'number') {
    rows = Math.min(Math.max(args.first, 1), MAX_PAGE_SIZE);
  } else if (getNamedType(field.type).name.endsWith('Connection')) {
    rows = DEFAULT_PAGE_SIZE;
  }
  return 1 + rows * childComplexity;
};

/** The cost the executor will incur, with variables coerced as it will coerce them (defaults included). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  options: { operationName?: string | null; maxFields: number },
): number {
  return getComplexity({
    schema,
    query: document,
    variables,
    operationName: options.operationName ?? undefined,
    estimators: [costEstimator],
    maxQueryNodes: options.maxFields,
  });
}

const TOO_MANY_NODES = /maximum allowed number of nodes/;

function costPlugin<C extends BaseContext>(limits: QueryLimits): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation }) {
          // An operation with several definitions is priced as the one that will run.
          const operationName = request.operationName ?? operation?.name?.value;
          let cost: number;
          try {
            cost = operationCost(schema, document, request.variables ?? {}, { operationName, maxFields: limits.maxFields });
          } catch (error) {
            if (error instanceof GraphQLError && TOO_MANY_NODES.test(error.message)) {
              throw refusal('TOO_MANY_FIELDS', `The query selects more than ${limits.maxFields} fields (fragments expanded); ask for less.`, {
                maxFields: limits.maxFields,
              });
            }
            // A variable the executor would refuse: refuse it here the same way, before planning,
            // keeping what the scalar added (a credit code's expected check character).
            const message = (error as Error).message;
            const own = error instanceof GraphQLError ? error.extensions : {};
            throw new GraphQLError(message, {
              extensions: { ...own, code: 'BAD_USER_INPUT', field: fieldOfVariableError(document, message), http: { status: 400 } },
            });
          }
          if (cost > limits.maxCost) {
            throw refusal(
              'QUERY_TOO_COSTLY',
              `The query could cost ${cost} (fields × rows asked for); at most ${limits.maxCost} is allowed. Ask for fewer rows with first, or fewer fields.`,
              { cost, maxCost: limits.maxCost },
            );
          }
        },
      };
    },
  };
}

/**
 * The edge's protections, for the gateway and every subgraph alike (a subgraph can be reached
 * without the gateway). GraphQL Armor does depth, aliases, directives, tokens and hides "Did
 * you mean …" suggestions; graphql-query-complexity prices the operation with our estimator.
 * graphql-js's parser counts tokens. By hand here: only the estimator (list multipliers from
 * `first`, `_entities`) and a code of its own for each refusal (Armor reports them all as
 * BAD_USER_INPUT, graphql-js as a syntax error); formatError restores the codes.
 * Introspection is bounded like any other operation: only its `__schema` subtree is exempt
 * from the depth count (the standard introspection query nests type references deeply); it
 * still counts towards cost, aliases, directives and tokens.
 */
export function queryLimits<C extends BaseContext>(
  limits: QueryLimits,
): { plugins: ApolloServerPlugin<C>[]; validationRules: ValidationRule[]; parseOptions: ParseOptions } {
  const armor = new ApolloArmor({
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: true },
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: reportAs('QUERY_TOO_DEEP', (depth) => `The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, {
        maxDepth: limits.maxDepth,
      }),
    },
    maxAliases: {
      n: limits.maxAliases,
      // Armor lets aliased __typename through by default; the probe flooded exactly that.
      allowList: [],
      propagateOnRejection: false,
      onReject: reportAs('TOO_MANY_ALIASES', (n) => `The query uses ${n} aliases; at most ${limits.maxAliases} are allowed.`, {
        maxAliases: limits.maxAliases,
      }),
    },
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: reportAs('TOO_MANY_DIRECTIVES', (n) => `The query uses ${n} directives; at most ${limits.maxDirectives} are allowed.`, {
        maxDirectives: limits.maxDirectives,
      }),
    },
    // graphql-js counts tokens while parsing (parseOptions below) and stops at the limit.
    maxTokens: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: [...(plugins as ApolloServerPlugin<C>[]), costPlugin<C>(limits)],
    validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
