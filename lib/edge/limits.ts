import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { costEstimator, type FieldPrices } from './cost';
import { fieldOfVariableError } from '../runtime/input';

/** What one operation may ask for; the gateway and every subgraph apply the same. */
export interface QueryLimits {
  maxDepth: number;
  /** Fields × the rows each list could return (see costEstimator in cost.ts). */
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexical tokens in the document: bounds its size before it is even parsed fully. */
  maxTokens: number;
  /** Field selections visited when pricing, fragments expanded: bounds the work of planning. */
  maxFields: number;
}

/** The codes a refused operation carries (HTTP 400, before planning or execution). */
export const LIMIT_CODES = [
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_ALIASES',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_TOKENS',
  'TOO_MANY_FIELDS',
] as const;
export type LimitCode = (typeof LIMIT_CODES)[number];

function refusal(code: LimitCode, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

/** Armor reports "… limit of N exceeded, found M."; its callback gets that error only. */
function found(error: GraphQLError): number | undefined {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

function reportAs(
  code: LimitCode,
  describe: (found: number | undefined) => string,
  limit: Record<string, number>,
): GraphQLArmorRejectCallback[] {
  return [(context, error) => context?.reportError(refusal(code, describe(found(error)), { ...limit, found: found(error) }))];
}

/** The cost the executor will incur, with variables coerced as it will coerce them (defaults included). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  options: { operationName?: string | null; maxFields: number; prices: FieldPrices },
): number {
  return getComplexity({
    schema,
    query: document,
    variables,
    operationName: options.operationName ?? undefined,
    estimators: [costEstimator(options.prices)],
    maxQueryNodes: options.maxFields,
  });
}

const TOO_MANY_NODES = /maximum allowed number of nodes/;

function costPlugin<C extends BaseContext>(limits: QueryLimits, prices: FieldPrices): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation }) {
          // An operation with several definitions is priced as the one that will run.
          const operationName = request.operationName ?? operation?.name?.value;
          let cost: number;
          try {
            cost = operationCost(schema, document, request.variables ?? {}, { operationName, maxFields: limits.maxFields, prices });
          } catch (error) {
            if (error instanceof GraphQLError && TOO_MANY_NODES.test(error.message)) {
              throw refusal(
                'TOO_MANY_FIELDS',
                `The query selects more than ${limits.maxFields} fields (fragments expanded); ask for less.`,
                {
                  maxFields: limits.maxFields,
                },
              );
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
              `The query could cost ${cost} (fields × the rows each list can return); at most ${limits.maxCost} is allowed. Ask for fewer rows with first, fewer nested lists, or fewer fields.`,
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
 * you mean …" suggestions; graphql-query-complexity prices the operation with the estimator of lib/edge/cost.ts, from
 * the schema's `@cost`/`@listSize` directives.
 * graphql-js's parser counts tokens. By hand here: only the estimator and a code of its own for each refusal (Armor reports them all as
 * BAD_USER_INPUT, graphql-js as a syntax error); formatError restores the codes.
 * Introspection is bounded like any other operation: only its `__schema` subtree is exempt
 * from the depth count (the standard introspection query nests type references deeply); it
 * still counts towards cost, aliases, directives and tokens.
 */
export function queryLimits<C extends BaseContext>(
  limits: QueryLimits,
  /** The cost directives of the schema served (lib/edge/cost.ts). */
  prices: FieldPrices,
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
    plugins: [...(plugins as ApolloServerPlugin<C>[]), costPlugin<C>(limits, prices)],
    validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
