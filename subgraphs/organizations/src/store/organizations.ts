import { randomUUID } from 'node:crypto';
import { isUniqueViolation, likeLiteral, searchGrams } from '../../../../lib/runtime/db';
import { conflict } from '../../../../lib/kernel/errors';
import { significantPrefix } from '../../../../lib/kernel/auth';
import type { Page } from '../../../../lib/runtime/connections';
import { toDateColumn } from '../../../../lib/kernel/dates';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Prisma } from '../generated/prisma/client';
import type { NewOrganization, OrganizationFilter, OrganizationModel, ProfileChanges, TransitionCheck } from '../models';
import {
  actorColumns,
  audit,
  changeOrganization,
  enclosingPrefixes,
  ORGANIZATION_COLUMNS,
  toOrganization,
  type StoreClient,
} from './client';

function optionalDate(day: string | null | undefined): Date | null | undefined {
  return day === undefined || day === null ? day : toDateColumn(day);
}

/** Service areas covering the area or lying inside it. */
function overlapping(code: string): Prisma.ServiceAreaWhereInput {
  const own = significantPrefix(code);
  return { OR: [{ prefix: { in: enclosingPrefixes(code) } }, { prefix: { startsWith: own } }] };
}

/** The filter's conditions; a minimum grade counts only grades still valid on `today`. */
function organizationWhere(filter: OrganizationFilter, today: string): Prisma.OrganizationWhereInput {
  const where: Prisma.OrganizationWhereInput = {};
  if (filter.kind) where.kind = filter.kind;
  if (filter.status) where.status = filter.status;
  if (filter.category) where.categories = { has: filter.category };
  if (filter.servesArea) where.serviceAreas = { some: overlapping(filter.servesArea) };
  if (filter.minGrade !== undefined) {
    where.grade = { gte: filter.minGrade };
    where.gradeValidUntil = { gte: toDateColumn(today) };
  }
  const needle = filter.nameContains?.trim();
  if (needle) {
    // The GIN index on name_grams narrows the rows; LIKE checks the exact substring.
    where.nameGrams = { hasEvery: searchGrams(needle) };
    where.name = { contains: likeLiteral(needle), mode: 'insensitive' };
  }
  return where;
}

/** Keyset paging in (name, id) order: the rows after the cursor's name, or after its id at the same name. */
function afterName(after: (string | number)[]): Prisma.OrganizationWhereInput {
  return { OR: [{ name: { gt: String(after[0]) } }, { name: String(after[0]), id: { gt: String(after[1]) } }] };
}

const duplicateCreditCode = (code: string | null) => conflict(`Credit code ${code} is already registered.`, { field: 'input.creditCode' });

export function organizationsStore(db: StoreClient, today: () => string) {
  return {
    async byIds(ids: readonly string[]): Promise<OrganizationModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const rows = await db.organization.findMany({ where: { id: { in: valid } }, select: ORGANIZATION_COLUMNS });
      return rows.map(toOrganization);
    },

    async byCreditCodes(codes: readonly string[]): Promise<OrganizationModel[]> {
      const rows = await db.organization.findMany({ where: { creditCode: { in: [...codes] } }, select: ORGANIZATION_COLUMNS });
      return rows.map(toOrganization);
    },

    async page(filter: OrganizationFilter, page: Page<(string | number)[]>): Promise<OrganizationModel[]> {
      const where = organizationWhere(filter, today());
      const rows = await db.organization.findMany({
        where: page.after ? { AND: [where, afterName(page.after)] } : where,
        select: ORGANIZATION_COLUMNS,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: page.first + 1,
      });
      return rows.map(toOrganization);
    },

    async count(filter: OrganizationFilter): Promise<number> {
      return db.organization.count({ where: organizationWhere(filter, today()) });
    },

    /** Registers an organisation with its service areas, first status and audit event, all or nothing. */
    async register(organization: NewOrganization, actor: Actor): Promise<OrganizationModel> {
      const id = randomUUID();
      const { serviceAreaCodes, ...fields } = organization;
      try {
        return await db.$transaction(async (tx) => {
          if (fields.creditCode && (await tx.organization.count({ where: { creditCode: fields.creditCode } })) > 0) {
            throw duplicateCreditCode(fields.creditCode);
          }
          const created = await tx.organization.create({
            data: {
              ...fields,
              id,
              registrationDate: toDateColumn(fields.registrationDate),
              incubatedSince: optionalDate(fields.incubatedSince),
              serviceAreas: { create: serviceAreaCodes.map((areaCode) => ({ areaCode })) },
            },
            select: ORGANIZATION_COLUMNS,
          });
          await tx.statusChange.create({
            data: { organizationId: id, fromStatus: null, toStatus: 'ACTIVE', reason: 'Registered.', ...actorColumns(actor) },
          });
          await audit(tx, { entityType: 'Organization', entityId: id, action: 'REGISTER', after: organization }, actor);
          return toOrganization(created);
        });
      } catch (error) {
        // Two registrations of one credit code at once: the second meets the unique index.
        if (isUniqueViolation(error)) throw duplicateCreditCode(fields.creditCode);
        throw error;
      }
    },

    /** Applies profile changes at `expectedVersion`; new service areas replace the old ones. */
    async updateProfile(
      id: string,
      changes: ProfileChanges,
      expectedVersion: number,
      check: TransitionCheck,
      reason: string | undefined,
      actor: Actor,
    ): Promise<OrganizationModel> {
      const { serviceAreaCodes, ...fields } = changes;
      return db.$transaction(async (tx) => {
        const { before, after } = await changeOrganization(tx, id, expectedVersion, check, {
          ...fields,
          incubatedSince: optionalDate(fields.incubatedSince),
        });
        let previousAreas: string[] | undefined;
        if (serviceAreaCodes) {
          previousAreas = (
            await tx.serviceArea.findMany({ where: { organizationId: id }, select: { areaCode: true }, orderBy: { areaCode: 'asc' } })
          ).map((area) => area.areaCode);
          await tx.serviceArea.deleteMany({ where: { organizationId: id } });
          await tx.serviceArea.createMany({ data: serviceAreaCodes.map((areaCode) => ({ organizationId: id, areaCode })) });
        }
        const previous = Object.fromEntries(Object.keys(fields).map((key) => [key, before[key as keyof OrganizationModel]]));
        await audit(
          tx,
          {
            entityType: 'Organization',
            entityId: id,
            action: 'UPDATE_PROFILE',
            reason,
            before: previousAreas ? { ...previous, serviceAreaCodes: previousAreas } : previous,
            after: changes,
          },
          actor,
        );
        return after;
      });
    },
  };
}
