import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Viewer } from '../kernel/auth';
import type { RateLimitConfig } from '../runtime/config';
import type { FieldPrices } from './cost';
import { LIMIT_CODES, operationCost, type QueryLimits } from './limits';

/**
 * What an operation refused by the limits (too costly, too deep, …) is charged: it ran nothing,
 * so charging its estimate would let three refused queries spend an address's whole budget and
 * lock out everyone behind the same proxy; a small fixed amount still bounds a flood of them.
 */
export const REFUSED_OPERATION_POINTS = 10;

/** Apollo's codes for a document refused before it is priced; limit refusals arrive wrapped in them. */
const REFUSED_BEFORE_PRICING: readonly unknown[] = ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', ...LIMIT_CODES];

/**
 * Rate limits per caller (the token subject; the client address when anonymous), charged by
 * the operation's cost rather than by request count (an operation the limits refuse: a fixed
 * REFUSED_OPERATION_POINTS), with a budget per role. Built on
 * rate-limiter-flexible: in process by default, shared by every gateway replica through
 * PostgreSQL when RATE_LIMIT_DATABASE_URL is set. Health, readiness and metrics never pass
 * through here (they are not GraphQL).
 */
export interface RateLimiter {
  plugin<C extends BaseContext & { viewer: Viewer; clientAddress?: string }>(): ApolloServerPlugin<C>;
  close(): Promise<void>;
}

/** The budget a caller gets: the largest of its roles' budgets, or the anonymous one. */
export function budgetFor(viewer: Viewer, config: RateLimitConfig): number {
  if (viewer.anonymous) return config.anonymousPoints;
  return Math.max(config.points, ...viewer.roles.map((role) => config.pointsByRole[role] ?? 0));
}

export async function createRateLimiter(config: RateLimitConfig, limits: QueryLimits, prices: FieldPrices): Promise<RateLimiter> {
  const pool = config.databaseUrl ? new pg.Pool({ connectionString: config.databaseUrl, max: 5 }) : undefined;
  pool?.on('error', () => undefined);
  // One limiter per distinct budget: rate-limiter-flexible fixes the points per limiter.
  const limiters = new Map<number, Promise<RateLimiterAbstract>>();
  const limiterFor = (points: number) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      const options = { points, duration: config.windowSeconds, keyPrefix: `crg-${points}` };
      limiter = pool
        ? new Promise<RateLimiterAbstract>((resolve, reject) => {
            const shared: RateLimiterPostgres = new RateLimiterPostgres(
              { ...options, storeClient: pool, storeType: 'pg', tableName: 'rate_limits', clearExpiredByTimeout: false },
              (error?: Error) => (error ? reject(error) : resolve(shared)),
            );
          })
        : Promise.resolve(new RateLimiterMemory(options));
      limiters.set(points, limiter);
    }
    return limiter;
  };

  return {
    plugin<C extends BaseContext & { viewer: Viewer; clientAddress?: string }>(): ApolloServerPlugin<C> {
      return {
        async requestDidStart() {
          let charged = false;
          const charge = async (viewer: Viewer, clientAddress: string | undefined, cost: number) => {
            charged = true;
            const key = viewer.anonymous ? `ip:${clientAddress ?? 'unknown'}` : `sub:${viewer.id}`;
            const points = budgetFor(viewer, config);
            try {
              await (await limiterFor(points)).consume(key, Math.min(cost, points));
            } catch (rejection) {
              if (!(rejection instanceof RateLimiterRes)) throw rejection;
              const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
              throw new GraphQLError(
                `Rate limit reached: ${points} cost points per ${config.windowSeconds} s. Retry after ${retryAfter} s.`,
                {
                  extensions: {
                    code: 'RATE_LIMITED',
                    retryAfterSeconds: retryAfter,
                    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
                  },
                },
              );
            }
          };
          return {
            async didResolveOperation({ schema, document, request, operation, contextValue }) {
              // Priced as the cost limit prices it; what that plugin refuses is charged the fixed amount.
              let cost: number;
              try {
                cost = operationCost(schema, document, request.variables ?? {}, {
                  operationName: request.operationName ?? operation?.name?.value,
                  maxFields: limits.maxFields,
                  prices,
                });
              } catch {
                cost = Number.POSITIVE_INFINITY;
              }
              await charge(
                contextValue.viewer,
                contextValue.clientAddress,
                cost > limits.maxCost ? REFUSED_OPERATION_POINTS : Math.max(1, cost),
              );
            },
            // Refused while parsing or validating (too deep, too many aliases or tokens, invalid):
            // never priced above, and charged the same fixed amount.
            async didEncounterErrors({ errors, contextValue }) {
              if (charged || !errors.some((error) => REFUSED_BEFORE_PRICING.includes(error.extensions.code))) return;
              await charge(contextValue.viewer, contextValue.clientAddress, REFUSED_OPERATION_POINTS).catch(() => undefined);
            },
          };
        },
      };
    },
    async close() {
      await pool?.end();
    },
  };
}
