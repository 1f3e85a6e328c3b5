import DataLoader from 'dataloader';
import type { PeerClient } from '../../../lib/runtime/peers';
import type { OrganizationKind, ServiceCategory } from './generated/graphql';

/**
 * The organizations registry, read through the graph (its public fields) rather than trusted
 * from input: bidders' eligibility, purchasers and evaluators, and the organisations that could
 * bid on a tender. Each request batches its questions: one peer call for every organisation
 * asked by id, and a few candidate lists per call.
 */

export interface RegistryOrganization {
  id: string;
  name: string;
  kind: OrganizationKind;
  status: 'ACTIVE' | 'ABNORMAL' | 'REVOKED' | 'DEREGISTERED';
  creditCode: string | null;
  categories: ServiceCategory[];
  serviceAreaCodes: string[];
  /** The registration authority's area (登记管理机关所在地), public in the registry. */
  registrationAreaCode: string;
  /** 法定代表人, public in the registry (SIMILAR_BIDDERS compares it); null when not recorded. */
  legalRepresentative: string | null;
  /** 1–5 when the grade is still valid today, otherwise null. */
  currentGrade: number | null;
}

/** An entry in force on one of the credit platform's lists (活动异常名录, 严重违法失信名单), as the registry publishes it. */
export interface RegistryListing {
  id: string;
  list: 'ABNORMAL_ACTIVITY' | 'SERIOUS_VIOLATION';
  listedOn: string;
  authority: string;
  documentNumber: string;
}

/** An administrative penalty (行政处罚) as the registry publishes it. */
export interface RegistryPenalty {
  id: string;
  decidedOn: string;
  authority: string;
  documentNumber: string;
}

/** An organisation asked about at one instant (a bid's, an award's). */
export interface StandingKey {
  id: string;
  asOf: Date;
}

const GRADES: Record<string, number> = { GRADE_1A: 1, GRADE_2A: 2, GRADE_3A: 3, GRADE_4A: 4, GRADE_5A: 5 };

interface PeerOrganization extends Omit<RegistryOrganization, 'currentGrade'> {
  evaluation: { grade: string; current: boolean } | null;
}

/** Organisations per peer call when listing candidates: each alias is a page of 100 under the peer's cost limit. */
const CANDIDATE_LISTS_PER_CALL = 8;
const ORGANIZATION_FIELDS =
  'id name kind status creditCode registrationAreaCode legalRepresentative categories serviceAreaCodes evaluation { grade current }';

function fromPeer({ evaluation, ...rest }: PeerOrganization): RegistryOrganization {
  return { ...rest, currentGrade: evaluation?.current ? (GRADES[evaluation.grade] ?? null) : null };
}

/** A key of the candidates loader: the organisations of a category serving an area. */
export function candidatesKey(area: string, category: ServiceCategory): string {
  return `${area}/${category}`;
}

export function createRegistry(peers: PeerClient, requestId?: string) {
  const organizations = new DataLoader<string, RegistryOrganization | null>(async (ids) => {
    const variables = Object.fromEntries(ids.map((id, i) => [`i${i}`, id]));
    const query = `query (${ids.map((_, i) => `$i${i}: ID!`).join(', ')}) {
      ${ids.map((_, i) => `o${i}: organization(id: $i${i}) { ${ORGANIZATION_FIELDS} }`).join('\n')}
    }`;
    const data = await peers<Record<string, PeerOrganization | null>>('organizations', query, variables, { requestId });
    return ids.map((_, i) => {
      const found = data[`o${i}`];
      return found ? fromPeer(found) : null;
    });
  });

  /**
   * Every organisation of a category whose service areas overlap an area (covering it or inside
   * it), whatever its status or grade: the rules decide who may bid. All keys of a request are
   * asked together, a few lists per peer call, page after page until each list is complete.
   */
  const candidates = new DataLoader<string, RegistryOrganization[]>(async (keys) => {
    const found = keys.map(() => [] as RegistryOrganization[]);
    let open = keys.map((key, index) => ({ key, index, after: null as string | null }));
    while (open.length > 0) {
      const next: typeof open = [];
      for (let start = 0; start < open.length; start += CANDIDATE_LISTS_PER_CALL) {
        const chunk = open.slice(start, start + CANDIDATE_LISTS_PER_CALL);
        const variables: Record<string, unknown> = {};
        chunk.forEach(({ key, after }, i) => {
          const [area, category] = key.split('/');
          variables[`f${i}`] = { servesArea: area, category };
          variables[`a${i}`] = after;
        });
        const query = `query (${chunk.map((_, i) => `$f${i}: OrganizationFilter, $a${i}: String`).join(', ')}) {
          ${chunk.map((_, i) => `l${i}: organizations(filter: $f${i}, first: 100, after: $a${i}) { pageInfo { hasNextPage endCursor } edges { node { ${ORGANIZATION_FIELDS} } } }`).join('\n')}
        }`;
        type Page = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: PeerOrganization }[] };
        const data = await peers<Record<string, Page | null>>('organizations', query, variables, { requestId });
        chunk.forEach((list, i) => {
          const page = data[`l${i}`];
          for (const edge of page?.edges ?? []) {
            const organization = fromPeer(edge.node);
            found[list.index]!.push(organization);
            organizations.prime(organization.id, organization);
          }
          if (page?.pageInfo.hasNextPage) next.push({ ...list, after: page.pageInfo.endCursor });
        });
      }
      open = next;
    }
    return found;
  });

  /**
   * The list entries in force for each organisation at each instant asked (null for an unknown
   * organisation): one call for every question of the tick, judged by the registry from its
   * dated records.
   */
  const listings = new DataLoader<StandingKey, RegistryListing[] | null, string>(
    async (keys) => {
      const variables = Object.fromEntries(
        keys.flatMap((key, i) => [
          [`i${i}`, key.id],
          [`t${i}`, key.asOf.toISOString()],
        ]),
      );
      const query = `query (${keys.map((_, i) => `$i${i}: ID!, $t${i}: DateTime!`).join(', ')}) {
      ${keys.map((_, i) => `o${i}: organization(id: $i${i}) { standing(asOf: $t${i}) { listings { id list listedOn authority documentNumber } } }`).join('\n')}
    }`;
      const data = await peers<Record<string, { standing: { listings: RegistryListing[] } } | null>>('organizations', query, variables, {
        requestId,
      });
      return keys.map((_, i) => data[`o${i}`]?.standing.listings ?? null);
    },
    // A peer call holds at most this many questions: each is an alias, and the registry limits aliases.
    { cacheKeyFn: (key) => `${key.id}@${key.asOf.toISOString()}`, maxBatchSize: 25 },
  );

  /** Every administrative penalty of each organisation asked (null for an unknown one): one call per 25. */
  const penalties = new DataLoader<string, RegistryPenalty[] | null>(
    async (ids) => {
      const variables = Object.fromEntries(ids.map((id, i) => [`i${i}`, id]));
      const query = `query (${ids.map((_, i) => `$i${i}: ID!`).join(', ')}) {
      ${ids.map((_, i) => `o${i}: organization(id: $i${i}) { penalties { id decidedOn authority documentNumber } }`).join('\n')}
    }`;
      const data = await peers<Record<string, { penalties: RegistryPenalty[] } | null>>('organizations', query, variables, { requestId });
      return ids.map((_, i) => data[`o${i}`]?.penalties ?? null);
    },
    { maxBatchSize: 25 },
  );

  /** Area names from the communities subgraph (null for an unknown code): one call per 25. */
  const areaNames = new DataLoader<string, string | null>(
    async (codes) => {
      const variables = Object.fromEntries(codes.map((code, i) => [`c${i}`, code]));
      const query = `query (${codes.map((_, i) => `$c${i}: AreaCode!`).join(', ')}) {
      ${codes.map((_, i) => `a${i}: area(code: $c${i}) { name }`).join('\n')}
    }`;
      const data = await peers<Record<string, { name: string } | null>>('communities', query, variables, { requestId });
      return codes.map((_, i) => data[`a${i}`]?.name ?? null);
    },
    { maxBatchSize: 25 },
  );

  /**
   * The OCDS address of each organisation that the registry publishes: the region of its
   * registration authority (the registry's contact, with the street address, is not public).
   * Organisations or areas the graph does not know get none.
   */
  async function publicAddresses(organizationIds: readonly string[]): Promise<Map<string, { region: string; countryName: string }>> {
    const found = (await organizations.loadMany([...new Set(organizationIds)])).map((entry) => {
      if (entry instanceof Error) throw entry;
      return entry;
    });
    const known = found.filter((entry): entry is RegistryOrganization => entry !== null);
    const codes = [...new Set(known.map((entry) => entry.registrationAreaCode))];
    const names = await areaNames.loadMany(codes);
    const nameOf = new Map(codes.map((code, i) => [code, names[i]]));
    const addresses = new Map<string, { region: string; countryName: string }>();
    for (const entry of known) {
      const name = nameOf.get(entry.registrationAreaCode);
      if (name instanceof Error) throw name;
      if (name) addresses.set(entry.id, { region: name, countryName: '中国' });
    }
    return addresses;
  }

  return { organizations, candidates, listings, penalties, areaNames, publicAddresses };
}

export type Registry = ReturnType<typeof createRegistry>;
