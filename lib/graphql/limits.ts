import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connections';

export interface OperationSize {
  depth: number;
  cost: number;
}

/**
 * Depth and cost of an operation before anything runs. Every field costs 1; a field taking
 * `first`, or a connection (it selects `edges`), multiplies what is under it by the page size
 * asked for (the default when absent), so a list of lists is priced as the rows it could return.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): OperationSize {
  const pageSize = (value: ValueNode | undefined): number => {
    if (!value) return DEFAULT_PAGE_SIZE;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const given = variables[value.name.value];
      return typeof given === 'number' ? given : DEFAULT_PAGE_SIZE;
    }
    return MAX_PAGE_SIZE;
  };

  const walk = (selectionSet: SelectionSetNode, seen: Set<string>): OperationSize => {
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      let child: OperationSize = { depth: 0, cost: 0 };
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        const inner = selection.selectionSet ? walk(selection.selectionSet, seen) : { depth: 0, cost: 0 };
        const hasFirst = selection.arguments?.find((a) => a.name.value === 'first');
        // A connection asked for without `first` still returns a default page.
        const isConnection = selection.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges');
        const rows = hasFirst ? Math.max(1, pageSize(hasFirst.value)) : isConnection ? DEFAULT_PAGE_SIZE : 1;
        child = { depth: inner.depth + 1, cost: 1 + rows * inner.cost };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        child = walk(selection.selectionSet, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        // A fragment spread inside itself is a validation error reported elsewhere.
        if (!fragment || seen.has(name)) continue;
        child = walk(fragment.selectionSet, new Set(seen).add(name));
      }
      depth = Math.max(depth, child.depth);
      cost += child.cost;
    }
    return { depth, cost };
  };

  return walk(operation.selectionSet, new Set());
}

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'),
  );
}

/** Refuses operations over the depth or cost limit before they are planned or executed. */
export function queryLimitsPlugin(limits: { maxDepth: number; maxCost: number }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation || isIntrospectionOnly(operation)) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const { depth, cost } = measureOperation(operation, fragments, request.variables ?? {});
          if (depth > limits.maxDepth) {
            throw new GraphQLError(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, {
              extensions: { code: 'QUERY_TOO_DEEP', depth, maxDepth: limits.maxDepth, http: { status: 400 } },
            });
          }
          if (cost > limits.maxCost) {
            throw new GraphQLError(
              `The query could cost ${cost} (fields × rows asked for); at most ${limits.maxCost} is allowed. Ask for fewer rows with first.`,
              { extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost: limits.maxCost, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
