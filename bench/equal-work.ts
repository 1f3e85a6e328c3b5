import { dataOf, post, type BenchClient } from './http';
import type { Scenario } from './scenarios/types';

/**
 * Equal work: before a read is measured, its three targets answer request i and their data must
 * be the same rows and columns. A gateway, a subgraph and a floor that return different data
 * are not a ratio of costs.
 */

/** Where the targets are. */
export interface Targets {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
}

const DECIMAL = /^-?\d+\.\d+$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;

/**
 * One canonical form for data from GraphQL and from SQL: keys in order, a decimal string without
 * trailing zeros (NUMERIC's 350.00 and the scalar's 350 are one amount), a timestamp as UTC ISO
 * (a pg Date or an offset string), a bigint as a number.
 */
export function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (DECIMAL.test(value)) return value.replace(/\.?0+$/, '');
    if (TIMESTAMP.test(value)) return new Date(value).toISOString();
    return value;
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, normalise((value as Record<string, unknown>)[key])]),
    );
  return value;
}

/** The first place two normalised values differ, as `path: a ≠ b`; null when equal. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let k = 0; k < Math.min(a.length, b.length); k++) {
      const found = firstDifference(a[k], b[k], `${path}[${k}]`);
      if (found) return found;
    }
    return a.length === b.length ? null : `${path}: ${a.length} rows ≠ ${b.length} rows`;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      if (!(key in a) || !(key in b)) return `${path}.${key}: ${key in a ? 'only in the first' : 'only in the second'}`;
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}

/** What each target answered, normalised, and whether they agree. */
export interface EqualWork {
  scenario: string;
  /** Targets compared: gateway always, then subgraph and sql where the scenario has them. */
  targets: string[];
  /** Rows in the gateway's answer (its longest list, or its non-null root fields), to show the check compared something. */
  rows: number;
  /** Null when every target agrees with the gateway; otherwise the target and the first difference. */
  mismatch: string | null;
}

/** The longest list anywhere in a value: a page's edges, a week's slots. */
function rowCount(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(rowCount));
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(rowCount));
  return 0;
}

/** The subgraph target's data for request i: one subgraph, or its part then the other's. */
export async function subgraphData(client: BenchClient, targets: Targets, scenario: Scenario, i: number): Promise<unknown> {
  const part = scenario.subgraph!;
  const first = dataOf(await post(client, targets.subgraphUrls[part.name]!, (part.request ?? scenario.request)(i)));
  if (!part.then) return first;
  const second = dataOf(await post(client, targets.subgraphUrls[part.then.name]!, part.then.request(first)));
  return part.then.join(first, second);
}

/** Sends request i to every target of a read and compares the normalised data with the gateway's. */
export async function checkEqualWork(client: BenchClient, targets: Targets, scenario: Scenario, i: number): Promise<EqualWork> {
  const gateway = normalise(dataOf(await post(client, targets.gatewayUrl, scenario.request(i))));
  const others: [string, () => Promise<unknown>][] = [];
  if (scenario.subgraph) others.push(['subgraph', () => subgraphData(client, targets, scenario, i)]);
  if (scenario.sql) others.push(['sql', () => scenario.sql!(i)]);
  let mismatch: string | null = null;
  for (const [target, read] of others) {
    const difference = firstDifference(gateway, normalise(await read()));
    if (difference && !mismatch) mismatch = `${target} differs from gateway at ${difference} (first: gateway, second: ${target})`;
  }
  const rows = rowCount(gateway) || Object.values(gateway as Record<string, unknown>).filter((v) => v !== null).length;
  return { scenario: scenario.name, targets: ['gateway', ...others.map(([target]) => target)], rows, mismatch };
}
