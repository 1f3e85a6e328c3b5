import DataLoader from 'dataloader';
import type { PeerClient } from '../../../lib/peers';
import type { OrganizationKind, ServiceCategory } from './generated/graphql';

/**
 * The organizations registry, read through the graph (its public fields) rather than trusted
 * from input: bidders' eligibility, purchasers and evaluators, and the supply per category.
 * Each request batches its questions into one peer call per kind of question.
 */

export interface RegistryOrganization {
  id: string;
  name: string;
  kind: OrganizationKind;
  status: 'ACTIVE' | 'ABNORMAL' | 'REVOKED' | 'DEREGISTERED';
  creditCode: string | null;
  categories: ServiceCategory[];
  serviceAreaCodes: string[];
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

/** An organisation asked about at one instant (a bid's, an award's). */
export interface StandingKey {
  id: string;
  asOf: Date;
}

const GRADES: Record<string, number> = { GRADE_1A: 1, GRADE_2A: 2, GRADE_3A: 3, GRADE_4A: 4, GRADE_5A: 5 };

interface PeerOrganization extends Omit<RegistryOrganization, 'currentGrade'> {
  evaluation: { grade: string; current: boolean } | null;
}

export function createRegistry(peers: PeerClient, requestId?: string) {
  const organizations = new DataLoader<string, RegistryOrganization | null>(async (ids) => {
    const variables = Object.fromEntries(ids.map((id, i) => [`i${i}`, id]));
    const query = `query (${ids.map((_, i) => `$i${i}: ID!`).join(', ')}) {
      ${ids.map((_, i) => `o${i}: organization(id: $i${i}) { id name kind status creditCode categories serviceAreaCodes evaluation { grade current } }`).join('\n')}
    }`;
    const data = await peers<Record<string, PeerOrganization | null>>('organizations', query, variables, { requestId });
    return ids.map((_, i) => {
      const found = data[`o${i}`];
      if (!found) return null;
      const { evaluation, ...rest } = found;
      return { ...rest, currentGrade: evaluation?.current ? (GRADES[evaluation.grade] ?? null) : null };
    });
  });

  /** Active organisations per category serving each area (covering it or inside it): one call for all areas. */
  const supply = new DataLoader<string, Map<ServiceCategory, number>>(async (areas) => {
    const variables = Object.fromEntries(areas.map((area, i) => [`a${i}`, area]));
    const query = `query (${areas.map((_, i) => `$a${i}: AreaCode!`).join(', ')}) {
      ${areas.map((_, i) => `a${i}: supplyByCategory(within: $a${i}) { category activeOrganizations }`).join('\n')}
    }`;
    const data = await peers<Record<string, { category: ServiceCategory; activeOrganizations: number }[]>>('organizations', query, variables, { requestId });
    return areas.map((_, i) => new Map((data[`a${i}`] ?? []).map((row) => [row.category, row.activeOrganizations])));
  });

  /**
   * The list entries in force for each organisation at each instant asked (null for an unknown
   * organisation): one call for every question of the tick, judged by the registry from its
   * dated records.
   */
  const listings = new DataLoader<StandingKey, RegistryListing[] | null, string>(
    async (keys) => {
      const variables = Object.fromEntries(keys.flatMap((key, i) => [[`i${i}`, key.id], [`t${i}`, key.asOf.toISOString()]]));
      const query = `query (${keys.map((_, i) => `$i${i}: ID!, $t${i}: DateTime!`).join(', ')}) {
      ${keys.map((_, i) => `o${i}: organization(id: $i${i}) { standing(asOf: $t${i}) { listings { id list listedOn authority documentNumber } } }`).join('\n')}
    }`;
      const data = await peers<Record<string, { standing: { listings: RegistryListing[] } } | null>>('organizations', query, variables, { requestId });
      return keys.map((_, i) => data[`o${i}`]?.standing.listings ?? null);
    },
    { cacheKeyFn: (key) => `${key.id}@${key.asOf.toISOString()}` },
  );

  return { organizations, supply, listings };
}

export type Registry = ReturnType<typeof createRegistry>;
