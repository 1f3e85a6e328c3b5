import { isUuid } from '../../../../lib/kernel/ids';
import { Prisma } from '../generated/prisma/client';
import type { ProcurementEventModel } from '../models';
import type { StoreClient } from './client';

/** A project's whole record: the OCDS export of it, and the audit trail of everything under it. */

/**
 * The audit trail of each project and every record under it, oldest first, for a whole page of
 * projects at once: the records are found through their foreign keys.
 */
const PROJECT_HISTORY = (ids: string[]) => Prisma.sql`
  WITH project AS (SELECT id FROM procurement.project WHERE id = ANY(${ids}::uuid[])),
  tender AS (SELECT t.id, t.project_id FROM procurement.tender t JOIN project p ON p.id = t.project_id),
  contract AS (SELECT c.id, c.project_id FROM procurement.contract c JOIN project p ON p.id = c.project_id),
  record(project_id, entity_type, entity_id) AS (
              SELECT id, 'Project', id FROM project
    UNION ALL SELECT project_id, 'Tender', id FROM tender
    UNION ALL SELECT t.project_id, 'Bid', b.id FROM procurement.bid b JOIN tender t ON t.id = b.tender_id
    UNION ALL SELECT t.project_id, 'Objection', o.id FROM procurement.objection o JOIN tender t ON t.id = o.tender_id
    UNION ALL SELECT project_id, 'Contract', id FROM contract
    UNION ALL SELECT c.project_id, 'Milestone', m.id FROM procurement.milestone m JOIN contract c ON c.id = m.contract_id
    UNION ALL SELECT c.project_id, 'Payment', x.id FROM procurement.payment x JOIN contract c ON c.id = x.contract_id
    UNION ALL SELECT c.project_id, 'SupplementaryAgreement', x.id FROM procurement.supplementary_agreement x JOIN contract c ON c.id = x.contract_id
    UNION ALL SELECT c.project_id, 'PerformanceEvaluation', x.id FROM procurement.performance_evaluation x JOIN contract c ON c.id = x.contract_id
  )
  SELECT r.project_id::text AS "projectId", e.entity_type AS "entityType", e.entity_id AS "entityId", e.action, e.actor,
         e.actor_org AS "actorOrganizationId", e.reason, e.at
    FROM record r
    JOIN procurement.audit_event e ON e.entity_type = r.entity_type AND e.entity_id = r.entity_id::text
   ORDER BY r.project_id, e.id`;

export function recordsStore(prisma: StoreClient) {
  return {
    /** Everything the OCDS export of one project needs, read in a handful of statements. */
    async project(projectId: string) {
      return prisma.project.findUnique({
        where: { id: projectId },
        include: {
          targets: { orderBy: { position: 'asc' } },
          communities: true,
          catalogueItem: true,
          tenders: { orderBy: { publishedAt: 'asc' }, include: { bids: { orderBy: { submittedAt: 'asc' } } } },
          contracts: {
            include: {
              milestones: { orderBy: [{ dueOn: 'asc' }, { id: 'asc' }] },
              payments: { orderBy: [{ paidOn: 'asc' }, { id: 'asc' }] },
              supplementaryAgreements: { orderBy: { signedOn: 'asc' } },
              evaluation: true,
            },
          },
        },
      });
    },

    async history(projectIds: readonly string[]): Promise<ProcurementEventModel[]> {
      const ids = projectIds.filter(isUuid);
      if (ids.length === 0) return [];
      return prisma.$queryRaw<ProcurementEventModel[]>(PROJECT_HISTORY(ids));
    },
  };
}

export type ProjectRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof recordsStore>['project']>>>;
