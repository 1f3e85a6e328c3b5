import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { ROLES } from '../../lib/kernel/auth';
import { startTestGraph, type GraphResponse, type TestGraph } from '../support/graph';
import { tokenFor } from '../support/tokens';

/**
 * Generated input against every mutation and every paginated field of the whole graph, read
 * from the gateway's own schema (so each new subgraph is covered without touching this file):
 * wrong types, NULs, huge strings, negative and huge numbers, malformed ids and cursors. Bad
 * input may be refused in any clear way; it may never be an internal error or an HTTP 5xx.
 */

let graph: TestGraph;
let schema: GraphQLSchema;
let token: string;
const internal: { request: string; response: unknown }[] = [];
let requests = 0;

beforeAll(async () => {
  graph = await startTestGraph({ seed: true });
  const { body } = await graph.request<IntrospectionQuery>(getIntrospectionQuery());
  schema = buildClientSchema(body.data!);
  // Every role at once, city-wide: the deepest validation paths are reachable.
  token = await tokenFor({ sub: 'fuzzer', roles: [...ROLES], area: '510100000000', org: '00000000-0000-4000-8000-000000000001' });
});
afterAll(async () => {
  await graph?.stop();
});

/** Plausible values by scalar name, so that one bad field at a time reaches the rules. */
const PLAUSIBLE: Record<string, unknown> = {
  String: '清波社区',
  ID: '00000000-0000-4000-8000-000000000001',
  Int: 1,
  Float: 1.5,
  Boolean: true,
  AreaCode: '510108001001',
  Date: '2026-01-15',
  DateTime: '2026-01-15T10:00:00+08:00',
  PhoneNumber: '+862880000001',
  EmailAddress: 'fuzz@example.cn',
  URL: 'https://example.cn/doc',
  CreditCode: '51310110501144395U',
  NonNegativeInt: 1,
  PositiveInt: 1,
  NonNegativeFloat: 1.5,
  Currency: 'CNY',
  Decimal: '100.00',
  Money: '100.00',
  Time: '09:00',
  LocalTime: '09:00',
};

const HUGE = 'x'.repeat(20_000);

/** Bad values by the kind of scalar. */
function badValues(typeName: string): unknown[] {
  const plausible = PLAUSIBLE[typeName];
  if (typeof plausible === 'number' || ['Int', 'Float'].includes(typeName)) {
    return [-1, 40_000, 2_147_483_647, 1e300, 'seven'];
  }
  if (typeof plausible === 'boolean') return ['yes'];
  return ['', `a\u0000b`, HUGE, 12, 'not-a-uuid', '-1', '99999999999999999999.99', '2026-02-30'];
}

function plausibleValue(type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return plausibleValue(type.ofType, depth);
  if (isListType(type)) return [plausibleValue(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    return Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, plausibleValue(field.type, depth + 1)]));
  }
  return PLAUSIBLE[(type as { name: string }).name] ?? 'x';
}

/** Every leaf path of an input value with the bad values to try there. */
function mutations(type: GraphQLInputType, path: string[] = [], depth = 0): { path: string[]; value: unknown }[] {
  const named = getNamedType(type);
  const out: { path: string[]; value: unknown }[] = [];
  if (isInputObjectType(named)) {
    if (depth > 4) return out;
    for (const field of Object.values(named.getFields())) out.push(...mutations(field.type, [...path, field.name], depth + 1));
    out.push({ path, value: null }, { path, value: 'not an object' });
    return out;
  }
  if (isEnumType(named))
    return [
      { path, value: 'NOT_A_VALUE' },
      { path, value: null },
    ];
  if (isListType(isNonNullType(type) ? type.ofType : type))
    out.push({ path, value: [] }, { path, value: Array.from({ length: 200 }, () => plausibleValue(named)) });
  for (const value of badValues(named.name)) out.push({ path, value });
  return out;
}

function withValueAt(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = { ...(root as Record<string, unknown>) };
  const [head, ...rest] = path as [string, ...string[]];
  const inner = copy[head];
  copy[head] = rest.length > 0 && Array.isArray(inner) ? [withValueAt(inner[0], rest, value)] : withValueAt(inner ?? {}, rest, value);
  return copy;
}

function typeString(type: GraphQLInputType): string {
  return type.toString();
}

/** A selection that asks for one scalar leaf of the payload (enough to execute it). */
function leafSelection(type: ReturnType<typeof getNamedType>, depth = 0): string {
  if (!isObjectType(type) || depth > 2) return '';
  const fields = Object.values(type.getFields());
  const scalar = fields.find((f) => isScalarType(getNamedType(f.type)) && f.args.length === 0);
  if (scalar) return `{ ${scalar.name} }`;
  const object = fields.find((f) => isObjectType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
  return object ? `{ ${object.name} ${leafSelection(getNamedType(object.type), depth + 1)} }` : '{ __typename }';
}

/** Sends in small parallel batches: PostgreSQL overlaps them, PGlite queues them. */
async function sendAll(batch: { query: string; variables: Record<string, unknown> }[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 8) {
    await Promise.all(batch.slice(i, i + 8).map(({ query, variables }) => send(query, variables)));
  }
}

async function send(query: string, variables: Record<string, unknown>): Promise<void> {
  requests++;
  let response: GraphResponse;
  try {
    response = await graph.request(query, { variables, token });
  } catch (error) {
    internal.push({ request: JSON.stringify({ query, variables }).slice(0, 400), response: String(error) });
    return;
  }
  const codes = (response.body.errors ?? []).map((e) => e.extensions?.code);
  if (response.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR') || codes.includes(undefined)) {
    internal.push({ request: JSON.stringify({ query, variables }).slice(0, 400), response: response.body.errors?.slice(0, 2) });
  }
}

function argumentsOf(field: GraphQLField<unknown, unknown>): readonly GraphQLArgument[] {
  return field.args;
}

test('every mutation, one bad field at a time, never gives an internal error', async () => {
  const mutationType = schema.getMutationType();
  expect(mutationType).toBeTruthy();
  const fields = Object.values(mutationType!.getFields());
  expect(fields.length).toBeGreaterThan(3);
  for (const field of fields) {
    const args = argumentsOf(field);
    const declarations = args.map((a) => `$${a.name}: ${typeString(a.type)}`).join(', ');
    const query = `mutation Fuzz${declarations ? `(${declarations})` : ''} { ${field.name}${args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''} ${leafSelection(getNamedType(field.type))} }`;
    const plausible = Object.fromEntries(args.map((a) => [a.name, plausibleValue(a.type)]));
    const batch = [{ query, variables: plausible }];
    for (const arg of args) {
      for (const { path, value } of mutations(arg.type)) {
        batch.push({ query, variables: { ...plausible, [arg.name]: withValueAt(plausible[arg.name], path, value) } });
      }
    }
    await sendAll(batch);
  }
  expect(internal).toEqual([]);
  expect(requests).toBeGreaterThan(100);
  // Every mutation of the graph, each bad field a request: half a minute on a quiet machine, minutes on a loaded one.
}, 360_000);

const CURSORS = [
  'WyJjMSJd',
  'garbage',
  '\u0000',
  Buffer.from(JSON.stringify(['c1', 'x', 1, 2])).toString('base64url'),
  Buffer.from(JSON.stringify(['c1', 'name', 'not-a-uuid'])).toString('base64url'),
  Buffer.from(JSON.stringify(['c1', 7])).toString('base64url'),
  Buffer.from(JSON.stringify({ c1: 1 })).toString('base64url'),
  HUGE,
];
const FIRSTS = [-1, 101, 2_147_483_647, 0];

test('every paginated field, at the root and one level down, refuses foreign cursors and bad page sizes cleanly', async () => {
  const queryType = schema.getQueryType()!;
  const paginated: { query: string; variables: Record<string, unknown> }[] = [];
  for (const root of Object.values(queryType.getFields())) {
    const required = root.args.filter((a) => isNonNullType(a.type) && a.name !== 'after' && a.name !== 'first');
    const declarations = required.map((a) => `$${a.name}: ${typeString(a.type)}`);
    const passed = required.map((a) => `${a.name}: $${a.name}`);
    const base = Object.fromEntries(required.map((a) => [a.name, plausibleValue(a.type)]));
    const page = ['$after: String', '$first: Int'];
    if (root.args.some((a) => a.name === 'after')) {
      paginated.push({
        query: `query (${[...declarations, ...page].join(', ')}) { ${root.name}(${[...passed, 'after: $after', 'first: $first'].join(', ')}) { __typename } }`,
        variables: base,
      });
    }
    const type = getNamedType(root.type);
    if (!isObjectType(type)) continue;
    for (const nested of Object.values(type.getFields())) {
      if (!nested.args.some((a) => a.name === 'after') || nested.args.some((a) => isNonNullType(a.type))) continue;
      const open = passed.length ? `(${passed.join(', ')})` : '';
      paginated.push({
        query: `query (${[...declarations, ...page].join(', ')}) { ${root.name}${open} { ${nested.name}(after: $after, first: $first) { __typename } } }`,
        variables: base,
      });
    }
  }
  expect(paginated.length).toBeGreaterThanOrEqual(4);
  await sendAll(
    paginated.flatMap(({ query, variables }) => [
      ...CURSORS.map((after) => ({ query, variables: { ...variables, after, first: 5 } })),
      ...FIRSTS.map((first) => ({ query, variables: { ...variables, first } })),
    ]),
  );
  expect(internal).toEqual([]);
});
