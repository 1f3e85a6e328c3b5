import { notFound } from '../../../../lib/kernel/errors';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { OrganizationKind, ServiceCategory } from '../generated/graphql';
import type { Actor, BidModel, ContractModel, MilestoneModel, ProcurementProjectModel, TenderModel } from '../models';

/** What the aggregate modules share: the client, the audit writer, row locks and column mappers. */

/** The subgraph's Prisma client, scoped to the request (lib/runtime/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;
/** A page cursor's key: (text, uuid) or (date, uuid). */
export type Key = (string | number)[];

export const dec = (value: Prisma.Decimal | string | number) => (typeof value === 'object' ? value.toFixed(2) : new Prisma.Decimal(value).toFixed(2));
export const day = (date: Date) => date.toISOString().slice(0, 10);
export const optionalDay = (date: Date | null) => (date ? day(date) : null);
export const toDate = (value: string) => new Date(`${value}T00:00:00Z`);

export async function audit(tx: Transaction, entityType: string, entityId: string, action: string, actor: Actor, after?: object, reason?: string) {
  await tx.auditEvent.create({
    data: { entityType, entityId, action, actor: actor.id, actorOrg: actor.org, reason, requestId: actor.requestId, after: after as Prisma.InputJsonObject | undefined },
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
    awardAmount: row.awardAmount ? dec(row.awardAmount) : null,
    awardNoticeDate: optionalDay(row.awardNoticeDate),
    awardedAt: row.awardedAt,
    objectionDeadline: optionalDay(row.objectionDeadline),
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
    budget: dec(row.budget),
    termMonths: row.termMonths,
    termJustification: row.termJustification,
    status: row.status,
    version: row.version,
    createdAt: row.createdAt,
  };
}

export function toBid(row: Prisma.BidGetPayload<object>): BidModel {
  return { ...row, price: dec(row.price), score: row.score ? dec(row.score) : null };
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
    originalValue: dec(row.originalValue),
    supplementaryTotal: dec(row.supplementaryTotal),
    value: dec(row.value),
    paid: dec(row.paid),
    startsOn: day(row.startsOn),
    endsOn: day(row.endsOn),
    signedOn: optionalDay(row.signedOn),
    status: row.status,
    terminationReason: row.terminationReason,
    version: row.version,
  };
}

export function toMilestone(row: Prisma.MilestoneGetPayload<object>): MilestoneModel {
  return { ...row, dueOn: day(row.dueOn), completedOn: optionalDay(row.completedOn) };
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
