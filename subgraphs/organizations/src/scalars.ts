import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { creditCodeProblem } from './rules';

function parse(value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError('CreditCode must be a string.');
  const problem = creditCodeProblem(value);
  // The extensions (the expected check character) travel with the refusal: graphql-js keeps an
  // original error's extensions on a variable's refusal, and reports a literal's as it is.
  if (problem) throw new GraphQLError(problem.message, { extensions: problem.extensions });
  return value;
}

/**
 * The whole GB 32100-2015 check on every input, lookups and registrations alike (the rules'
 * one validator); lib's stringScalar is not used because it keeps only a refusal's message.
 */
export const CreditCode = new GraphQLScalarType({
  name: 'CreditCode',
  description:
    'A Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from 0123456789ABCDEFGHJKLMNPQRTUWXY, the last a check character.',
  serialize: parse,
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('CreditCode must be a string.', { nodes: [ast] });
    try {
      return parse(ast.value);
    } catch (error) {
      // With its node, the refusal names the argument it was written in (lib/runtime/input.ts).
      throw new GraphQLError((error as GraphQLError).message, { nodes: [ast], extensions: (error as GraphQLError).extensions });
    }
  },
});
