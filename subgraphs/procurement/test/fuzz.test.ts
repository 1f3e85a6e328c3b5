import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  type GraphQLInputType,
} from 'graphql';
import fs from 'node:fs';
import path from 'node:path';
import { seedProcurement, demoProcurement } from '../prisma/seed';
import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';
import { viewer } from '../../../test/support/tokens';
import { seededRandom } from '../../../seed/random';

/**
 * Generated input over every mutation of the subgraph: wrong types, huge and NUL strings,
 * negative and huge numbers, malformed ids, dates and amounts. Never an internal error, and a
 * refusal of input names its field. Callers are the roles that pass the access checks, so the
 * input reaches validation and the store.
 */

const sdl = fs
  .readFileSync(path.resolve(__dirname, '../schema.graphql'), 'utf8')
  .replace(/^extend schema.*$/m, '')
  .replace(/@\w+(\([^)]*\))?/g, '');
const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
const mutations = Object.values(schema.getMutationType()!.getFields());
const rows = demoProcurement();
const random = seededRandom(8);

const ids = [
  rows.contracts[0]![0],
  rows.tenders[0]![0],
  rows.projects[0]![0],
  rows.milestones[0]![0],
  rows.bids[0]![0],
  'not-a-uuid',
  '',
  "'; DROP TABLE x; --",
  '00000000-0000-0000-0000-000000000000',
];
const strings = [
  '',
  ' ',
  'x',
  'a\u0000b',
  'x'.repeat(100_000),
  '测试',
  '-1',
  '1e400',
  '99999999999999999.99',
  '1.001',
  '0.00',
  '12.5',
  '2026-02-30',
  '2026-12-01',
  '9999-12-31',
  'ELDERLY_CARE',
];
const numbers = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 1e308, 0.5, 100, 101, 32768, 2026];

function pickOf<T>(values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function valueFor(type: GraphQLInputType, name: string, depth = 0): unknown {
  if (isNonNullType(type)) return valueFor(type.ofType, name, depth);
  if (random() < 0.08 && depth > 0) return null;
  if (isListType(type)) return Array.from({ length: pickOf([0, 1, 2, 8]) }, () => valueFor(type.ofType, name, depth + 1));
  if (isEnumType(type)) return pickOf(type.getValues()).name;
  if (isInputObjectType(type))
    return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, valueFor(f.type, f.name, depth + 1)]));
  if (isScalarType(type)) {
    if (type.name === 'ID' || /Id$/.test(name)) return pickOf(ids);
    if (type.name === 'Int') return pickOf(numbers.map(Math.trunc));
    if (type.name === 'Float') return pickOf(numbers);
    if (type.name === 'Boolean') return random() < 0.5;
    if (type.name === 'AreaCode') return pickOf(['510107000000', '510104000000', '12', '000000000000', 'abcdefghijkl']);
    if (type.name === 'DateTime') return pickOf(['2026-12-01T00:00:00Z', '2030-01-01T00:00:00Z', 'yesterday', '1970-01-01T00:00:00Z']);
    return random() < 0.1 ? pickOf(numbers) : pickOf(strings);
  }
  return null;
}

let subgraph: TestSubgraph;
beforeAll(async () => {
  subgraph = await buildTestSubgraph('procurement');
  await subgraph.database.withSession((session) => seedProcurement(session));
});
afterAll(async () => {
  await subgraph?.close();
});

const callers = [
  viewer({ roles: ['PROCUREMENT_OFFICER', 'CITY_ADMIN'], area: '510100000000' }),
  { ...viewer({ roles: ['ORG_ADMIN'], area: '510107000000' }), org: rows.bids[0]![2] as string },
  { ...viewer({ roles: ['EVALUATOR'], area: '510107000000' }), org: rows.evaluations[0]![3] as string },
];

test.each(mutations.map((m) => m.name))('%s never answers generated input with an internal error', async (name) => {
  const field = mutations.find((m) => m.name === name)!;
  const inputType = field.args[0]!.type;
  const query = `mutation ($input: ${String(inputType)}) { ${name}(input: $input) { __typename } }`;
  for (let i = 0; i < 40; i++) {
    const input = valueFor(inputType, 'input');
    for (const caller of callers) {
      const result = await subgraph.execute(query, { input }, caller);
      for (const error of result.errors ?? []) {
        const code = error.extensions?.code;
        if (code === 'INTERNAL_SERVER_ERROR' && process.env.FUZZ_DUMP)
          fs.writeFileSync(process.env.FUZZ_DUMP, JSON.stringify({ name, input, caller }));
        expect({ name, input: JSON.stringify(input).slice(0, 300), code }).not.toEqual(
          expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR' }),
        );
        expect(code).toBeDefined();
        if (code === 'BAD_USER_INPUT' && !error.extensions?.field)
          throw new Error(`${name}: ${error.message} ${JSON.stringify(error.extensions)}`);
      }
    }
  }
});

// Long lists are tried with valid entries: graphql-js stops at 50 coercion errors with an error
// lib/edge/error-masking does not recognise (reported to the integrator), so invalid ones stay short.
test('lists longer than their cap are refused naming the field', async () => {
  const officer = callers[0]!;
  const scores = Array.from({ length: 201 }, () => ({ bidId: rows.bids[0]![0], qualified: true }));
  const result = await subgraph.execute(
    `mutation ($input: EvaluateTenderInput!) { evaluateTender(input: $input) { __typename } }`,
    { input: { tenderId: rows.tenders[0]![0], scores } },
    officer,
  );
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scores' });
  const targets = Array.from({ length: 51 }, () => ({ indicator: 'a', targetValue: 'b' }));
  const project = await subgraph.execute(
    `mutation ($input: CreateProjectInput!) { createProject(input: $input) { __typename } }`,
    {
      input: {
        title: 't',
        purchaserId: rows.projects[0]![2],
        areaCode: '510107000000',
        catalogueCode: 'A01.01',
        kind: 'SERVICES',
        budgetLineId: rows.budgetLines[0]![0],
        serviceContent: 'c',
        budget: '1.00',
        targets,
      },
    },
    officer,
  );
  expect(project.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.targets' });
});

test('malformed and foreign cursors are refused naming the argument', async () => {
  const officer = callers[0]!;
  for (const after of ['not-a-cursor', Buffer.from('["c1",{"x":1}]').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
    const result = await subgraph.execute(
      `query ($after: String) { contracts(filter: { within: "510100000000" }, after: $after) { totalCount } }`,
      { after },
      officer,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  }
  const bogus = Buffer.from(JSON.stringify(['c1', 'not-a-date', 'x'])).toString('base64url');
  const result = await subgraph.execute(
    `query ($after: String) { contracts(filter: { within: "510100000000" }, after: $after) { totalCount } }`,
    { after: bogus },
    officer,
  );
  expect(result.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('INTERNAL_SERVER_ERROR');
});
