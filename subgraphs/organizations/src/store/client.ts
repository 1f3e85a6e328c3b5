import type { Actor } from '../../../../lib/kernel/actor';
import { significantPrefix } from '../../../../lib/kernel/auth';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { fromDateColumn } from '../../../../lib/kernel/dates';
import { isUuid } from '../../../../lib/kernel/ids';
import { writeAudit, type AuditEvent } from '../../../../lib/runtime/db';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { ServiceCategory } from '../generated/graphql';
import type { OrganizationModel, TransitionCheck } from '../models';

/** The request-scoped Prisma client every aggregate module is given (lib/runtime/db/scope.ts). */
export type StoreClient = PrismaClient;
export type Transaction = Prisma.TransactionClient;

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
  const row = isUuid(id) ? await tx.organization.findUnique({ where: { id }, select: ORGANIZATION_COLUMNS }) : null;
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

/** Who acted, as a status-history row records it: every role the change was made in. */
export function actorColumns(actor: Actor) {
  return { actor: actor.id, actorRoles: [...actor.roles], actorOrg: actor.org, requestId: actor.requestId };
}

/** Every write leaves one audit row in its own transaction. */
export async function audit(tx: Transaction, event: AuditEvent, actor: Actor) {
  await writeAudit(tx.auditEvent, event, actor);
}
