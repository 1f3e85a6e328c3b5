import fs from 'node:fs';
import { buildASTSchema, getNamedType, getNullableType, GraphQLList, isInterfaceType, isObjectType, parse } from 'graphql';
import { SUPERGRAPH_PATH } from '../../gateway/src/server';
import { fieldPrices } from '../../lib/graphql/cost';

/**
 * Every list of the composed supergraph is sized by the cost directives (issue 19): it takes
 * `first` (@listSize slicingArguments), declares an assumedSize its subgraph holds it to, or is
 * a connection's `edges`, sized by the field returning the connection (sizedFields). A new list
 * without either would be priced as one row, as the probe's nested bids were.
 */

const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
const prices = fieldPrices(sdl);
// Federation's own entry points: priced by the representations sent (_entities) or a single SDL string.
const FEDERATION = new Set(['Query._entities', 'Query._service']);

function listFields() {
  const lists: { key: string; returns: string }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if (!FEDERATION.has(key) && getNullableType(field.type) instanceof GraphQLList) lists.push({ key, returns: getNamedType(field.type).name });
    }
  }
  return lists;
}

/** `Connection.edges` for every field that returns a connection sized by its edges. */
function sizedByParent(): Set<string> {
  const sized = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const price = prices.get(`${type.name}.${field.name}`);
      if (price?.slicingArguments?.every((name) => field.args.some((arg) => arg.name === name))) {
        for (const sizedField of price.sizedFields ?? []) sized.add(`${getNamedType(field.type).name}.${sizedField}`);
      }
    }
  }
  return sized;
}

test('the supergraph keeps the cost directives (federation 2.9 composes them)', () => {
  expect(sdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1"');
  expect(prices.size).toBeGreaterThan(0);
});

test('every list field takes first as a slicing argument, declares an assumedSize, or is the sized edges of a connection', () => {
  const sized = sizedByParent();
  const lists = listFields();
  // The walk really reaches the lists the probe nested, and the connections' edges.
  expect(lists.map((l) => l.key)).toEqual(expect.arrayContaining(['Tender.bids', 'ProcurementProject.tenders', 'Premises.auditTrail', 'ProjectConnection.edges']));
  const unsized = lists.filter(({ key }) => {
    const price = prices.get(key);
    return price?.assumedSize === undefined && !price?.slicingArguments?.length && !sized.has(key);
  });
  expect(unsized.map((l) => `${l.key}: [${l.returns}]`)).toEqual([]);
});

test('every field returning a connection slices it by first and sizes its edges', () => {
  const connections: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (!getNamedType(field.type).name.endsWith('Connection')) continue;
      const price = prices.get(`${type.name}.${field.name}`);
      if (!(price?.slicingArguments?.includes('first') && price.sizedFields?.includes('edges'))) connections.push(`${type.name}.${field.name}`);
    }
  }
  expect(connections).toEqual([]);
});
