import { randomUUID } from 'node:crypto';
import { codesWithPrefix, significantPrefix } from '../../../../lib/kernel/auth';
import { notFound, ruleBroken } from '../../../../lib/kernel/errors';
import type { Page } from '../../../../lib/runtime/connections';
import { fromFen, toFen, fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { Prisma } from '../generated/prisma/client';
import type { ProjectStatus } from '../generated/prisma/enums';
import type { NewProject, ProcurementProjectModel } from '../models';
import { afterKey, audit, toProject, type Key, type StoreClient } from './client';

/** Purchase projects: created inside the catalogue and a budget line, listed by area and by community. */

/** One page of project ids per community, a LIMITed lateral subquery each. */
const COMMUNITY_PROJECT_PAGE = (codes: readonly string[], page: Page<Key>) => {
  const after = page.after ? Prisma.sql`AND pc.project_id > ${String(page.after[1] ?? page.after[0])}::uuid` : Prisma.empty;
  return Prisma.sql`
    SELECT c.code AS community, p.id::text AS id
      FROM unnest(${[...codes]}::text[]) AS c(code)
      CROSS JOIN LATERAL (
        SELECT pc.project_id AS id FROM procurement.project_community pc
         WHERE pc.community_code = c.code::bpchar ${after}
         ORDER BY pc.project_id LIMIT ${page.first + 1}
      ) AS p
     ORDER BY c.code, p.id`;
};

const COMMUNITY_PROJECT_COUNTS = (codes: readonly string[]) => Prisma.sql`
  SELECT community_code AS community, count(*)::int AS count FROM procurement.project_community
   WHERE community_code = ANY(${[...codes]}::bpchar[]) GROUP BY community_code`;

/** The line's committed amount rises only while it stays within the amount: PostgreSQL re-checks it on the locked row. */
const COMMIT_WITHIN_LINE = (budgetLineId: string, budget: string) => Prisma.sql`
  UPDATE procurement.budget_line SET committed = committed + ${budget}::numeric
   WHERE id = ${budgetLineId}::uuid AND committed + ${budget}::numeric <= amount`;

function projectWhere(within: string, status: ProjectStatus | undefined): Prisma.ProjectWhereInput {
  return { areaCode: codesWithPrefix(significantPrefix(within)), ...(status ? { status } : {}) };
}

export function projectsStore(prisma: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<ProcurementProjectModel[]> {
      return (await prisma.project.findMany({ where: { id: { in: ids.filter(isUuid) } } })).map(toProject);
    },

    async page(within: string, status: ProjectStatus | undefined, page: Page<Key>): Promise<ProcurementProjectModel[]> {
      const where = projectWhere(within, status);
      const after = afterKey(page.after, (_, id) => ({ id: { gt: id } }));
      const rows = await prisma.project.findMany({
        where: after ? { AND: [where, after] } : where,
        orderBy: { id: 'asc' },
        take: page.first + 1,
      });
      return rows.map(toProject);
    },

    count(within: string, status: ProjectStatus | undefined): Promise<number> {
      return prisma.project.count({ where: projectWhere(within, status) });
    },

    async communities(ids: readonly string[]) {
      return prisma.projectCommunity.findMany({
        where: { projectId: { in: [...ids] } },
        orderBy: [{ projectId: 'asc' }, { communityCode: 'asc' }],
      });
    },

    async targets(ids: readonly string[]) {
      return prisma.performanceTarget.findMany({
        where: { projectId: { in: [...ids] } },
        orderBy: [{ projectId: 'asc' }, { position: 'asc' }],
      });
    },

    /** One page of project ids per community, for all the communities at once (one statement). */
    async communityPage(codes: readonly string[], page: Page<Key>): Promise<{ community: string; id: string }[]> {
      return prisma.$queryRaw<{ community: string; id: string }[]>(COMMUNITY_PROJECT_PAGE(codes, page));
    },

    async countByCommunity(codes: readonly string[]): Promise<{ community: string; count: number }[]> {
      return prisma.$queryRaw<{ community: string; count: number }[]>(COMMUNITY_PROJECT_COUNTS(codes));
    },

    /**
     * Creates a project inside the catalogue and its budget line: the line's committed amount
     * rises by a conditional update, so two projects cannot overspend it together.
     */
    async create(project: NewProject, actor: Actor): Promise<ProcurementProjectModel> {
      return prisma.$transaction(async (tx) => {
        const item = await tx.catalogueItem.findUnique({ where: { code: project.catalogueCode } });
        if (!item)
          throw ruleBroken(
            'IN_CATALOGUE',
            `${project.catalogueCode} is not in the guiding catalogue of purchasable services.`,
            'input.catalogueCode',
          );
        const line = await tx.budgetLine.findUnique({ where: { id: project.budgetLineId } });
        if (!line) throw notFound(`No budget line ${project.budgetLineId}.`);
        if (line.agencyId !== project.purchaser.id) {
          throw ruleBroken('BUDGET_LINE_OF_PURCHASER', 'The budget line belongs to another purchasing agency.', 'input.budgetLineId');
        }
        const raised = await tx.$executeRaw(COMMIT_WITHIN_LINE(project.budgetLineId, project.budget));
        if (raised !== 1) {
          const fresh = await tx.budgetLine.findUniqueOrThrow({ where: { id: project.budgetLineId } });
          throw ruleBroken(
            'WITHIN_BUDGET_LINE',
            `The budget ${project.budget} exceeds the budget line's remaining ${fromFen(toFen(fromDecimalColumn(fresh.amount)) - toFen(fromDecimalColumn(fresh.committed)))} yuan.`,
            'input.budget',
          );
        }
        const id = randomUUID();
        const row = await tx.project.create({
          data: {
            id,
            title: project.title,
            purchaserId: project.purchaser.id,
            purchaserName: project.purchaser.name,
            purchaserCreditCode: project.purchaser.creditCode,
            areaCode: project.areaCode,
            catalogueCode: item.code,
            category: item.category,
            budgetLineId: project.budgetLineId,
            serviceContent: project.serviceContent,
            budget: project.budget,
            termMonths: project.termMonths,
            termJustification: project.termJustification,
            communities: { create: project.communityCodes.map((communityCode) => ({ communityCode })) },
            targets: { create: project.targets.map((target, position) => ({ position, ...target })) },
          },
        });
        await audit(tx, 'Project', id, 'CREATE', actor, { ...project, purchaser: project.purchaser.id });
        return toProject(row);
      });
    },
  };
}
