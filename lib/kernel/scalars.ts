import { GraphQLError, GraphQLScalarType, Kind, type DocumentNode } from 'graphql';
import { resolvers as standardScalars } from 'graphql-scalars';
import { isAreaCode } from './auth/jurisdiction';

/** Builds a string scalar that validates on input and output with one predicate. */
export function stringScalar(name: string, description: string, check: (value: string) => string | undefined) {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string') throw new GraphQLError(`${name} must be a string.`);
    const problem = check(value);
    if (problem) throw new GraphQLError(`${name} ${JSON.stringify(value)} is invalid: ${problem}`);
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => parse(value),
    parseValue: parse,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string.`, { nodes: [ast] });
      try {
        return parse(ast.value);
      } catch (error) {
        // With its node, the refusal can name the argument it was written in (lib/runtime/input.ts).
        throw new GraphQLError((error as Error).message, { nodes: [ast] });
      }
    },
  });
}

export const AreaCode = stringScalar(
  'AreaCode',
  'A 12-digit statistical division code (统计用区划代码): province 2, city 4, district 6, street 9, community 12 digits, higher rungs padded with zeros.',
  (value) => (isAreaCode(value) ? undefined : 'expected 12 digits, not starting with 00'),
);

/** Stricter than graphql-scalars' PhoneNumber, which lets local formats such as 028-8456 through. */
export const PhoneNumber = stringScalar(
  'PhoneNumber',
  'A phone number in E.164 form, e.g. +862884561234 (landline with area code) or +8613800138000.',
  (value) => (/^\+[1-9]\d{6,14}$/.test(value) ? undefined : 'expected E.164, e.g. +862884561234'),
);

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Dates stay YYYY-MM-DD strings end to end (graphql-scalars' Date turns them into Date objects
 * at midnight UTC, which a calendar date is not).
 */
export const CalendarDate = stringScalar('Date', 'A calendar date, YYYY-MM-DD.', (value) => {
  const match = DAY.exec(value);
  if (!match) return 'expected YYYY-MM-DD';
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return 'not a calendar date';
  return undefined;
});

const projectScalars: Record<string, GraphQLScalarType> = { AreaCode, PhoneNumber, Date: CalendarDate };

/**
 * The scalar implementations a subgraph's SDL declares: its own domain scalars first, then the
 * project's shared ones, then graphql-scalars.
 */
export function scalarsFor(typeDefs: DocumentNode, own: Record<string, GraphQLScalarType> = {}): Record<string, GraphQLScalarType> {
  const picked: Record<string, GraphQLScalarType> = {};
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.SCALAR_TYPE_DEFINITION) continue;
    const name = definition.name.value;
    const scalar = own[name] ?? projectScalars[name] ?? standardScalars[name];
    if (!scalar) throw new Error(`Scalar ${name} has no implementation (lib/kernel/scalars.ts or the subgraph's own).`);
    picked[name] = withLiteralNodes(scalar);
  }
  return picked;
}

/**
 * graphql-js reports a literal's GraphQLError as it is, and graphql-scalars throws some without
 * the literal's node: attach it, so the refusal can name the argument it was written in.
 */
function withLiteralNodes(scalar: GraphQLScalarType): GraphQLScalarType {
  const parseLiteral = scalar.parseLiteral.bind(scalar);
  return new GraphQLScalarType({
    ...scalar.toConfig(),
    parseLiteral: (ast, variables) => {
      try {
        return parseLiteral(ast, variables);
      } catch (error) {
        if (error instanceof GraphQLError && error.nodes?.length) throw error;
        throw new GraphQLError((error as Error).message, { nodes: [ast] });
      }
    },
  });
}
