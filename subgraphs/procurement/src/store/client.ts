import type { Actor } from '../../../../lib/kernel/actor';
import { fromDateColumn } from '../../../../lib/kernel/dates';
import { notFound } from '../../../../lib/kernel/errors';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { OrganizationKind, ServiceCategory } from '../generated/graphql';
import type { BidModel, ContractModel, MilestoneModel, ProcurementProjectModel, TenderModel } from '../models';

/** What the aggregate modules share: the client, the audit writer, row locks and column mappers. */

/** The subgraph's Prisma client, scoped to the request (lib/runtime/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;
/** A page cursor's key: (text, uuid) or (date, uuid). */
export type Key = (string | number)[];

/**
 * Writes one audit event in the caller's transaction. Not lib's writeAudit: procurement's trail
 * records the organisation the actor acted for (actor_org), which the common audit_event lacks.
 */
export async function audit(
  tx: Transaction,
  entityType: string,
  entityId: string,
  action: string,
  actor: Actor,
  after?: object,
  reason?: string | null,
) {
  await tx.auditEvent.create({
    data: { entityType, entityId, action, actor: actor.id, actorOrg: actor.org, reason, requestId: actor.requestId, after },
  });
}

/** Rows after a (text, uuid) or (date, uuid) cursor key, as Prisma filters. */
export function afterKey<W>(after: Key | undefined, make: (first: string | number, id: string) => W): W | undefined {
  return after ? make(after[0]!, String(after[1])) : undefined;
}

export const TENDER_SELECT = {
  id: true,
  projectId: true,
  method: true,
  methodChangeReason: true,
  awardCriteria: true,
  eligibleKinds: true,
  minGrade: true,
  invitedIds: true,
  publishedAt: true,
  opensAt: true,
  closesAt: true,
  status: true,
  awardedBidId: true,
  awardAmount: true,
  awardNoticeDate: true,
  awardedAt: true,
  objectionDeadline: true,
  version: true,
  project: { select: { areaCode: true, category: true } },
} as const;
export type TenderRow = Prisma.TenderGetPayload<{ select: typeof TENDER_SELECT }>;

export function toTender(row: TenderRow): TenderModel {
  return {
    id: row.id,
    projectId: row.projectId,
    areaCode: row.project.areaCode,
    method: row.method,
    methodChangeReason: row.methodChangeReason,
    awardCriteria: row.awardCriteria,
    eligibleKinds: row.eligibleKinds as OrganizationKind[],
    minGrade: row.minGrade,
    invitedIds: row.invitedIds,
    publishedAt: row.publishedAt,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    status: row.status,
    awardedBidId: row.awardedBidId,
    awardAmount: fromDecimalColumn(row.awardAmount),
    awardNoticeDate: fromDateColumn(row.awardNoticeDate),
    awardedAt: row.awardedAt,
    objectionDeadline: fromDateColumn(row.objectionDeadline),
    version: row.version,
  };
}

export function toProject(row: Prisma.ProjectGetPayload<object>): ProcurementProjectModel {
  return {
    id: row.id,
    title: row.title,
    purchaserId: row.purchaserId,
    purchaserName: row.purchaserName,
    purchaserCreditCode: row.purchaserCreditCode,
    areaCode: row.areaCode,
    catalogueCode: row.catalogueCode,
    category: row.category as ServiceCategory,
    budgetLineId: row.budgetLineId,
    serviceContent: row.serviceContent,
    budget: fromDecimalColumn(row.budget),
    termMonths: row.termMonths,
    termJustification: row.termJustification,
    status: row.status,
    version: row.version,
    createdAt: row.createdAt,
  };
}

export function toBid(row: Prisma.BidGetPayload<object>): BidModel {
  return { ...row, price: fromDecimalColumn(row.price), score: fromDecimalColumn(row.score) };
}

export function toContract(row: Prisma.ContractGetPayload<object>): ContractModel {
  return {
    id: row.id,
    projectId: row.projectId,
    tenderId: row.tenderId,
    supplierId: row.supplierId,
    purchaserId: row.purchaserId,
    areaCode: row.areaCode,
    category: row.category as ServiceCategory,
    title: row.title,
    originalValue: fromDecimalColumn(row.originalValue),
    supplementaryTotal: fromDecimalColumn(row.supplementaryTotal),
    value: fromDecimalColumn(row.value),
    paid: fromDecimalColumn(row.paid),
    startsOn: fromDateColumn(row.startsOn),
    endsOn: fromDateColumn(row.endsOn),
    signedOn: fromDateColumn(row.signedOn),
    status: row.status,
    terminationReason: row.terminationReason,
    version: row.version,
  };
}

export function toMilestone(row: Prisma.MilestoneGetPayload<object>): MilestoneModel {
  return { ...row, dueOn: fromDateColumn(row.dueOn), completedOn: fromDateColumn(row.completedOn) };
}

export async function lockedTender(tx: Transaction, id: string): Promise<TenderModel> {
  // FOR UPDATE: bids, evaluation and objections on one tender are decided one at a time.
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM procurement.tender WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) throw notFound(`No tender ${id}.`);
  return toTender(await tx.tender.findUniqueOrThrow({ where: { id }, select: TENDER_SELECT }));
}

export async function lockedContract(tx: Transaction, id: string): Promise<ContractModel> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM procurement.contract WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) throw notFound(`No contract ${id}.`);
  return toContract(await tx.contract.findUniqueOrThrow({ where: { id } }));
}
