import { seedCommunities } from '../../communities/prisma/seed';
import { seedHousing } from '../prisma/seed';
import { seedOrganizations } from '../../organizations/prisma/seed';
import { buildTestSubgraph, type TestSubgraph } from '../../../test/support/graph';

/** The housing subgraph alone on a fresh database with the demo city, and one seeded premises of `prefix`. */
export async function seededSubgraph(prefix: string): Promise<{
  subgraph: TestSubgraph;
  premisesId: string;
  developmentId: string;
  communityCode: string;
  developerId: string;
}> {
  const subgraph = await buildTestSubgraph('housing');
  await subgraph.database.withSession(async (session) => {
    await seedCommunities(session);
    await seedOrganizations(session);
    await seedHousing(session);
  });
  const [row] = await subgraph.database.query<{ premises: string; development: string; community: string; developer: string }>(
    `SELECT p.id::text AS premises, d.id::text AS development, d.community_code AS community, d.developer_id::text AS developer
       FROM housing.premises p JOIN housing.development d ON d.id = p.development_id
      WHERE d.community_code LIKE $1 ORDER BY p.id LIMIT 1`,
    [`${prefix}%`],
  );
  return {
    subgraph,
    premisesId: row!.premises,
    developmentId: row!.development,
    communityCode: row!.community,
    developerId: row!.developer,
  };
}
