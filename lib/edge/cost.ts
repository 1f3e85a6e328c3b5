import {
  defaultFieldResolver,
  getNullableType,
  isObjectType,
  GraphQLList,
  Kind,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../runtime/connections';

/**
 * What the cost directives (`@cost`, `@listSize`: Federation 2.9, the IBM cost specification
 * that Apollo Router's demand control reads) say about one field. Every subgraph's SDL carries
 * them; composition keeps them in the supergraph, so the gateway and each subgraph price from
 * the same declarations.
 */
export interface FieldPrice {
  /** `@cost(weight:)`: what the field itself costs instead of 1. */
  weight?: number;
  /** `@listSize(assumedSize:)`: the most rows the list returns (the subgraph cuts a longer one). */
  assumedSize?: number;
  /** `@listSize(slicingArguments:)`: the arguments that say how many rows come back (`first`). */
  slicingArguments?: string[];
  /** `@listSize(sizedFields:)`: the fields of a connection holding the rows (`edges`). */
  sizedFields?: string[];
}

/** Prices by `Type.field`. */
export type FieldPrices = ReadonlyMap<string, FieldPrice>;

function intArgument(directive: ConstDirectiveNode, name: string): number | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
}

function stringsArgument(directive: ConstDirectiveNode, name: string): string[] | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.LIST ? value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : undefined;
}

/**
 * Reads the cost directives of every object and interface field of a subgraph's SDL or of the
 * supergraph (which keeps them under the same names, imported from the cost spec).
 */
export function fieldPrices(sdl: string | DocumentNode): FieldPrices {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const prices = new Map<string, FieldPrice>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const price: FieldPrice = {};
      for (const directive of field.directives ?? []) {
        if (directive.name.value === 'cost') price.weight = intArgument(directive, 'weight');
        if (directive.name.value === 'listSize') {
          price.assumedSize = intArgument(directive, 'assumedSize');
          price.slicingArguments = stringsArgument(directive, 'slicingArguments');
          price.sizedFields = stringsArgument(directive, 'sizedFields');
        }
      }
      if (Object.values(price).some((v) => v !== undefined)) prices.set(`${definition.name.value}.${field.name.value}`, price);
    }
  }
  return prices;
}

/**
 * The rows a field can return. `_entities` (a subgraph's federation entry point): the
 * representations the gateway sent. A sliced list: the slicing argument's value (variables and
 * their defaults already applied), clamped to the largest page a list serves (a larger one is
 * refused as input by the list itself), or without one the default page every connection
 * serves. A list with an assumed size: that size (the subgraph cuts it there). Anything else —
 * a single object, or introspection's own lists, which carry no directives — counts once;
 * schema/test/cost-directives.unit.test.ts keeps every list of the graph sized.
 */
function rowsOf(price: FieldPrice | undefined, fieldName: string, args: Record<string, unknown>): number {
  if (fieldName === '_entities') return Array.isArray(args.representations) ? args.representations.length : 1;
  if (price?.slicingArguments) {
    const sliced = price.slicingArguments.map((name) => args[name]).find((value): value is number => typeof value === 'number');
    if (sliced !== undefined) return Math.min(Math.max(sliced, 1), MAX_PAGE_SIZE);
    return price.assumedSize ?? DEFAULT_PAGE_SIZE;
  }
  return price?.assumedSize ?? 1;
}

/**
 * A field costs its `@cost` weight (1 by default: `__typename`, aliases and leaves are not free)
 * plus what lies under it times the rows it can return. A connection multiplies its whole
 * selection, not only its `sizedFields` (`edges`): `totalCount` and `pageInfo` are counted as
 * often, a slight overestimate that keeps one estimator for every kind of list.
 */
export function costEstimator(prices: FieldPrices): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const price = prices.get(`${type.name}.${field.name}`);
    return (price?.weight ?? 1) + rowsOf(price, field.name, args) * childComplexity;
  };
}

/**
 * Holds every list with an assumed size to that size: a longer one (a tender with more bids
 * than declared, say) is cut there and logged, never returned larger than it was priced.
 * Wraps the resolvers of the built schema, so every list of a subgraph is covered in one place.
 */
export function enforceListSizes(
  schema: GraphQLSchema,
  prices: FieldPrices,
  onCut: (field: string, rows: number, size: number) => void,
): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const size = prices.get(`${type.name}.${field.name}`)?.assumedSize;
      if (size === undefined || !(getNullableType(field.type) instanceof GraphQLList)) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const key = `${type.name}.${field.name}`;
      field.resolve = async (source, args, context, info) => {
        const rows: unknown = await resolve(source, args, context, info);
        if (!Array.isArray(rows) || rows.length <= size) return rows;
        onCut(key, rows.length, size);
        return rows.slice(0, size) as unknown[];
      };
    }
  }
  return schema;
}
