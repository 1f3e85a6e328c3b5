import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Logger } from '../../lib/runtime/log';

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];
type ProcessResult = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * Outages that tell the client what they cost. When a subgraph fetch fails as a whole (the
 * subgraph is down, too slow, draining, or refuses the gateway's credentials), @apollo/gateway
 * reports the thrown error once and without a path, so a client cannot tell which part of its
 * page is missing. This data source answers such a failure the way a subgraph answers a field
 * error instead: one error per field the fetch would have filled, with the path in the
 * subgraph's response (`_entities.<i>.<field>` or the root field), which the gateway maps onto
 * the client's response (the entity's place in it) as it does for any subgraph error.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RemoteGraphQLDataSource's own constraint on its context
export class OutageReportingDataSource<C extends Record<string, any>> extends RemoteGraphQLDataSource<C> {
  /** The subgraph's name, for the logs. */
  readonly subgraph: string;
  readonly log: Logger;

  constructor(config: ConstructorParameters<typeof RemoteGraphQLDataSource<C>>[0] & { subgraph: string; log: Logger }) {
    super(config);
    this.subgraph = config.subgraph;
    this.log = config.log;
  }

  override async process(options: GraphQLDataSourceProcessOptions<C>): Promise<ProcessResult> {
    try {
      return await super.process(options);
    } catch (error) {
      // Health checks and schema loading report to the gateway itself: they keep the thrown error.
      if (!('incomingRequestContext' in options) || !(error instanceof GraphQLError) || typeof options.request.query !== 'string')
        throw error;
      const document = options.document ?? parse(options.request.query);
      const paths = nulledPaths(document, options.request.variables);
      return { errors: paths.map((path) => ({ message: error.message, path, extensions: { ...error.extensions } })) };
    }
  }
}

/**
 * A subgraph that answers 401 to a token the gateway has just verified is misconfigured (another
 * key, as during a key rotation or on a stray replica): the caller's token is good, so the
 * caller must not be told UNAUTHENTICATED. It is answered as that part of the graph being
 * unavailable, and logged at error level for the operators, naming the subgraph.
 */
export function refusedCredentials(response: FetcherResponse, subgraph: string, log: Logger): GraphQLError | undefined {
  if (response.status !== 401) return undefined;
  log.error(
    { subgraph, url: response.url, status: response.status },
    `subgraph ${subgraph} refused a token the gateway accepted: its token verification (JWT secret or keys) differs from the gateway's`,
  );
  return new GraphQLError(`Part of the graph (${subgraph}) is unavailable; try again.`, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
}

/**
 * The paths, in the subgraph's response, of the fields a failed fetch would have answered: the
 * root fields, or for an entity fetch each representation's fields (by its __typename).
 */
export function nulledPaths(document: DocumentNode, variables: Record<string, unknown> | undefined): (string | number)[][] {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const entities = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (!entities || entities.kind !== Kind.FIELD || !entities.selectionSet) {
    return responseNames(operation.selectionSet, undefined, fragments).map((name) => [name]);
  }
  const representations = Array.isArray(variables?.representations) ? (variables.representations as { __typename?: unknown }[]) : [];
  const selection = entities.selectionSet;
  return representations.flatMap((representation, i) => {
    const typename = typeof representation?.__typename === 'string' ? representation.__typename : undefined;
    const alias = entities.alias?.value ?? '_entities';
    return responseNames(selection, typename, fragments).map((name) => [alias, i, name]);
  });
}

/** The response names a selection set gives an object of `typename` (all of them when unknown), without __typename. */
function responseNames(
  selectionSet: SelectionSetNode,
  typename: string | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') names.add(selection.alias?.value ?? selection.name.value);
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      const condition = fragment?.typeCondition?.name.value;
      if (fragment && (condition === undefined || typename === undefined || condition === typename)) visit(fragment.selectionSet);
    }
  };
  visit(selectionSet);
  return [...names];
}
