import type { PeerClient } from '../../../lib/runtime/peers';

/**
 * The communities under an area with their households, asked of the communities subgraph (its
 * data: DESIGN.md rule 1) once per request, page by page. Why not a households figure of our
 * own: developments carry planned households, but a community's premises standard follows the
 * whole community's households, which the communities registry keeps and updates.
 */
const QUERY = `query ($within: AreaCode, $after: String) {
  communities(filter: { within: $within }, first: 100, after: $after) {
    edges { node { code households } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page {
  communities: { edges: { node: { code: string; households: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export function communityDirectory(peers: PeerClient) {
  const cache = new Map<string, Promise<{ code: string; households: number }[]>>();
  async function fetchAll(within: string, requestId: string) {
    const all: { code: string; households: number }[] = [];
    let after: string | null = null;
    do {
      const page: Page = await peers<Page>('communities', QUERY, { within, after }, { requestId });
      all.push(...page.communities.edges.map((edge) => edge.node));
      after = page.communities.pageInfo.hasNextPage ? page.communities.pageInfo.endCursor : null;
    } while (after);
    return all;
  }
  return {
    under(within: string, requestId: string) {
      let found = cache.get(within);
      if (!found) {
        found = fetchAll(within, requestId);
        cache.set(within, found);
      }
      return found;
    },
  };
}

/** An organisation's kind and status in the registry, or null when it is not registered. */
export async function registeredOrganization(
  peers: PeerClient,
  id: string,
  requestId: string,
): Promise<{ kind: string; status: string } | null> {
  const data = await peers<{ organization: { kind: string; status: string } | null }>(
    'organizations',
    'query ($id: ID!) { organization(id: $id) { kind status } }',
    { id },
    { requestId },
  );
  return data.organization;
}

/** Whether the communities registry knows the community. */
export async function registeredCommunity(peers: PeerClient, code: string, requestId: string): Promise<boolean> {
  const data = await peers<{ community: { code: string } | null }>(
    'communities',
    'query ($c: AreaCode!) { community(code: $c) { code } }',
    { c: code },
    { requestId },
  );
  return data.community !== null;
}
