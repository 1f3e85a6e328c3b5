import { buildSchema, graphql, parse } from 'graphql';
import { enforceListSizes, fieldPrices } from '../edge/cost';
import { operationCost } from '../edge/limits';

/** Lists priced and held by their cost directives (lib/edge/cost.ts). */

const sdl = `
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  directive @cost(weight: Int!) on FIELD_DEFINITION
  type Query {
    tenders(first: Int): TenderConnection @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
    tender: Tender
    statistics: [Row!]! @cost(weight: 10) @listSize(assumedSize: 12)
  }
  type TenderConnection { edges: [TenderEdge!]! }
  type TenderEdge { node: Tender! }
  type Tender { id: ID! bids: [Bid!] @listSize(assumedSize: 3) }
  type Bid { id: ID! tender: Tender! }
  type Row { key: String! }
`;
const schema = buildSchema(sdl);
const prices = fieldPrices(sdl);
const cost = (source: string, variables: Record<string, unknown> = {}) =>
  operationCost(schema, parse(source), variables, { maxFields: 1000, prices });

describe('pricing from @listSize and @cost', () => {
  test('the directives are read by Type.field', () => {
    expect(prices.get('Tender.bids')).toEqual({ assumedSize: 3, slicingArguments: undefined, sizedFields: undefined });
    expect(prices.get('Query.tenders')).toMatchObject({ slicingArguments: ['first'], sizedFields: ['edges'] });
    expect(prices.get('Query.statistics')).toMatchObject({ weight: 10, assumedSize: 12 });
    expect(prices.has('Tender.id')).toBe(false);
  });

  test('a plain list multiplies what lies under it by its assumed size, at every level it nests', () => {
    expect(cost('{ tender { bids { id } } }')).toBe(1 + (1 + 3 * 1));
    // tender → bids (3) → tender → bids (3): 1 + 1 + 3 × (1 + 1 + 3 × 1)
    expect(cost('{ tender { bids { tender { bids { id } } } } }')).toBe(1 + 1 + 3 * (1 + 1 + 3 * 1));
  });

  test('a sliced list is priced by its argument, a variable, a variable default, or without one the default page', () => {
    expect(cost('{ tenders(first: 10) { edges { node { id } } } }')).toBe(1 + 10 * 3);
    expect(cost('query ($n: Int) { tenders(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(1 + 7 * 3);
    expect(cost('query ($n: Int = 4) { tenders(first: $n) { edges { node { id } } } }')).toBe(1 + 4 * 3);
    expect(cost('{ tenders { edges { node { id } } } }')).toBe(1 + 20 * 3);
  });

  test('@cost replaces the field’s own 1', () => {
    expect(cost('{ statistics { key } }')).toBe(10 + 12 * 1);
  });
});

describe('enforceListSizes', () => {
  test('a list longer than its assumed size is cut there and reported; a shorter one passes whole', async () => {
    const cuts: [string, number, number][] = [];
    const bids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `b${i}` }));
    const built = buildSchema(sdl);
    let stored = bids(5);
    built.getQueryType()!.getFields().tender!.resolve = () => ({ id: 't', bids: stored });
    enforceListSizes(built, prices, (...cut) => cuts.push(cut));
    const long = await graphql({ schema: built, source: '{ tender { bids { id } } }' });
    expect((long.data as { tender: { bids: unknown[] } }).tender.bids).toEqual(bids(3));
    expect(cuts).toEqual([['Tender.bids', 5, 3]]);
    stored = bids(2);
    const short = await graphql({ schema: built, source: '{ tender { bids { id } } }' });
    expect((short.data as { tender: { bids: unknown[] } }).tender.bids).toEqual(bids(2));
    expect(cuts).toHaveLength(1);
  });
});
