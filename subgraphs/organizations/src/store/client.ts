import { significantPrefix } from '../../../../lib/kernel/auth';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { fromDateColumn } from '../../../../lib/kernel/dates';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { ServiceCategory } from '../generated/graphql';
import type { Actor, OrganizationModel, TransitionCheck } from '../models';

/** The request-scoped Prisma client every aggregate module is given (lib/runtime/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;

/** The city's calendar: the day an instant falls on in its time zone, YYYY-MM-DD. */
export interface CityCalendar {
  today(): string;
  dayOf(instant: Date): string;
}

export function cityCalendar(timeZone: string): CityCalendar {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return { today: () => format.format(new Date()), dayOf: (instant) => format.format(instant) };
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Organisations and list entries are keyed by UUID; anything else would make PostgreSQL refuse the cast. */
export function isOrganizationId(id: string): boolean {
  return UUID_PATTERN.test(id);
}

/**
 * The significant prefixes of every area above `code` (510107001000 → 51, 5101, 510107). A
 * service area with one of them covers the area; one starting with the area's own prefix lies
 * inside it. Both are equality or prefix matches on the indexed `prefix` column.
 */
export function enclosingPrefixes(code: string): string[] {
  const own = significantPrefix(code);
  return [2, 4, 6, 9].filter((length) => length < own.length).map((length) => own.slice(0, length));
}

export const ORGANIZATION_COLUMNS = {
  id: true,
  name: true,
  kind: true,
  creditCode: true,
  registrationArea: true,
  registrationDate: true,
  status: true,
  legalRepresentative: true,
  contactPhone: true,
  contactEmail: true,
  contactAddress: true,
  categories: true,
  grade: true,
  gradeAwardedOn: true,
  gradeValidUntil: true,
  staffCount: true,
  volunteerCount: true,
  incubator: true,
  incubatedSince: true,
  version: true,
  updatedAt: true,
} as const;

type OrganizationRow = Prisma.OrganizationGetPayload<{ select: typeof ORGANIZATION_COLUMNS }>;

export function toOrganization(row: OrganizationRow): OrganizationModel {
  return {
    ...row,
    categories: row.categories as ServiceCategory[],
    registrationDate: fromDateColumn(row.registrationDate),
    gradeAwardedOn: fromDateColumn(row.gradeAwardedOn),
    gradeValidUntil: fromDateColumn(row.gradeValidUntil),
    incubatedSince: fromDateColumn(row.incubatedSince),
  };
}

/** Reads the organisation, checks the expected version, applies `data` and bumps the version. */
export async function changeOrganization(
  tx: Transaction,
  id: string,
  expectedVersion: number,
  check: TransitionCheck,
  data: Prisma.OrganizationUpdateManyMutationInput,
): Promise<{ before: OrganizationModel; after: OrganizationModel }> {
  const row = isOrganizationId(id) ? await tx.organization.findUnique({ where: { id }, select: ORGANIZATION_COLUMNS }) : null;
  if (!row) throw notFound(`No organisation ${id} is registered.`);
  const before = toOrganization(row);
  if (expectedVersion !== before.version) {
    throw conflict(`Organisation ${id} was changed by someone else (now version ${before.version}); reload and retry.`, {
      field: 'input.expectedVersion',
      currentVersion: before.version,
    });
  }
  check(before);
  const { count } = await tx.organization.updateMany({
    where: { id, version: before.version },
    data: { ...data, version: { increment: 1 }, updatedAt: new Date() },
  });
  if (count !== 1) throw conflict(`Organisation ${id} was changed by someone else meanwhile; reload and retry.`);
  const after = toOrganization(await tx.organization.findUniqueOrThrow({ where: { id }, select: ORGANIZATION_COLUMNS }));
  return { before, after };
}

/** Who acted, as a status-history row records it. */
export function actorColumns(actor: Actor) {
  return { actor: actor.id, actorRoles: [...actor.roles], actorOrg: actor.org ?? null, requestId: actor.requestId };
}

export interface AuditEvent {
  entityType: string;
  entityId: string;
  action: string;
  reason?: string;
  before?: object;
  after?: object;
}

/** Every write leaves one audit row in its own transaction. */
export async function audit(tx: Transaction, event: AuditEvent, actor: Actor) {
  await tx.auditEvent.create({
    data: {
      entityType: event.entityType,
      entityId: event.entityId,
      action: event.action,
      actor: actor.id,
      reason: event.reason,
      requestId: actor.requestId,
      before: event.before as Prisma.InputJsonObject | undefined,
      after: event.after as Prisma.InputJsonObject | undefined,
    },
  });
}
