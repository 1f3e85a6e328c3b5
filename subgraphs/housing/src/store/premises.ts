import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import { fromDateColumn } from '../../../../lib/kernel/dates';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { isUuid } from '../../../../lib/kernel/ids';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import type { Page } from '../../../../lib/runtime/connections';
import { Prisma } from '../generated/prisma/client';
import type { SignOffRole } from '../generated/prisma/enums';
import type { AuditEntryModel, BuybackModel, NewPremises, PremisesChange, PremisesModel, SignOffModel } from '../models';
import { audit, toBuyback, write, type StoreClient, type Transaction } from './client';

/** One page of premises for each community at once: one statement (a LIMITed lateral per community). */
function pagePerCommunity(codes: string[], page: Page<(string | number)[]>) {
  const after = page.after
    ? Prisma.sql`AND (p.building, p.floor, p.unit, p.id) > (${String(page.after[0])}, ${Number(page.after[1])}::smallint, ${String(page.after[2])}, ${String(page.after[3])}::uuid)`
    : Prisma.empty;
  return Prisma.sql`
        SELECT c.code AS owner, p.id::text AS id
          FROM unnest(${codes}::text[]) AS c(code)
          CROSS JOIN LATERAL (
            SELECT p.id, p.building, p.floor, p.unit FROM housing.premises p
             WHERE p.community_code = c.code::bpchar ${after}
             ORDER BY p.building, p.floor, p.unit, p.id LIMIT ${page.first + 1}) AS p
         ORDER BY c.code, p.building, p.floor, p.unit, p.id`;
}

/** The plan sign-offs of the premises, with the community that decides who sees the actor. */
function signOffsOf(premisesIds: string[]) {
  return Prisma.sql`
        SELECT s.premises_id::text AS "premisesId", p.community_code AS "communityCode", s.role::text AS role, s.actor,
               s.actor_area AS area, s.signed_at AS "signedAt"
          FROM housing.plan_sign_off s JOIN housing.premises p ON p.id = s.premises_id
         WHERE s.premises_id = ANY(${premisesIds}::uuid[])
         ORDER BY s.premises_id, s.signed_at, s.role`;
}

export function toPremises(row: Prisma.PremisesGetPayload<object>): PremisesModel {
  return {
    ...row,
    plannedArea: fromDecimalColumn(row.plannedArea),
    acceptedArea: fromDecimalColumn(row.acceptedArea),
    noticeStartsOn: fromDateColumn(row.noticeStartsOn),
    noticeEndsOn: fromDateColumn(row.noticeEndsOn),
    titleTransferredOn: fromDateColumn(row.titleTransferredOn),
  };
}

function toAuditEntry(row: Prisma.AuditEventGetPayload<object>): AuditEntryModel {
  return {
    entityId: row.entityId,
    communityCode: row.communityCode,
    action: row.action,
    from: row.fromState,
    to: row.toState,
    actor: row.actor,
    actorRole: row.actorRole,
    actorOrganization: row.actorOrg,
    reason: row.reason,
    at: row.at,
  };
}

/** The premises as read inside a step's transaction, refused when the caller saw another version. */
export async function readPremises(tx: Transaction, id: string, expectedVersion: number | undefined): Promise<PremisesModel> {
  const row = isUuid(id) ? await tx.premises.findUnique({ where: { id } }) : null;
  if (!row) throw notFound(`No premises ${id}.`);
  const premises = toPremises(row);
  if (expectedVersion !== undefined && expectedVersion !== premises.version) {
    throw conflict(`Premises ${id} changed since (now version ${premises.version}); reload and retry.`, {
      field: 'input.expectedVersion',
      currentVersion: premises.version,
    });
  }
  return premises;
}

/**
 * The conditional version update every premises step ends with: of two writers that read the
 * same version, the second updates nothing and gets CONFLICT, and its transaction (sign-off
 * or inspection rows included) is rolled back.
 */
export async function advance(tx: Transaction, before: PremisesModel, change: PremisesChange, actor: Actor): Promise<PremisesModel> {
  const { count } = await tx.premises.updateMany({
    where: { id: before.id, version: before.version },
    data: { ...change.data, state: change.to, version: { increment: 1 }, updatedAt: new Date() },
  });
  if (count !== 1)
    throw conflict(`Premises ${before.id} was changed by someone else meanwhile; reload and retry.`, { field: 'input.expectedVersion' });
  await audit(
    tx,
    {
      entityType: 'Premises',
      entityId: before.id,
      communityCode: before.communityCode,
      action: change.action,
      from: before.state,
      to: change.to,
      reason: change.reason,
      detail: change.detail,
    },
    actor,
  );
  return toPremises(await tx.premises.findUniqueOrThrow({ where: { id: before.id } }));
}

export function premisesStore(db: StoreClient) {
  return {
    async byId(ids: readonly string[]): Promise<PremisesModel[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await db.premises.findMany({ where: { id: { in: valid } } })).map(toPremises);
    },

    async ofDevelopments(ids: readonly string[]): Promise<PremisesModel[]> {
      const rows = await db.premises.findMany({
        where: { developmentId: { in: ids.filter(isUuid) } },
        orderBy: [{ developmentId: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toPremises);
    },

    idsOfCommunities: (codes: readonly string[], page: Page<(string | number)[]>) =>
      db.$queryRaw<{ owner: string; id: string }[]>(pagePerCommunity([...codes], page)),

    async countOfCommunities(codes: readonly string[]): Promise<{ key: string; count: number }[]> {
      const rows = await db.premises.groupBy({
        by: ['communityCode'],
        where: { communityCode: { in: [...codes] } },
        _count: { _all: true },
      });
      return rows.map((row) => ({ key: row.communityCode, count: row._count._all }));
    },

    signOffs: (premisesIds: readonly string[]) => db.$queryRaw<SignOffModel[]>(signOffsOf(premisesIds.filter(isUuid))),

    /** The premises' audit trails, each in the order it was written. */
    async auditTrails(premisesIds: readonly string[]): Promise<AuditEntryModel[]> {
      const rows = await db.auditEvent.findMany({
        where: { entityType: 'Premises', entityId: { in: [...premisesIds] } },
        orderBy: [{ entityId: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toAuditEntry);
    },

    async plan(premises: NewPremises, actor: Actor): Promise<PremisesModel> {
      const id = randomUUID();
      return db.$transaction(async (tx) => {
        const row = await tx.premises.create({ data: { ...premises, id } });
        await audit(
          tx,
          {
            entityType: 'Premises',
            entityId: id,
            communityCode: premises.communityCode,
            action: 'PLAN',
            to: 'PLANNED',
            detail: { ...premises },
          },
          actor,
        );
        return toPremises(row);
      });
    },

    /**
     * Records the caller's office's sign-off and, when the other office signed already, approves
     * the plan, all with the premises' conditional version update: two offices signing at once
     * cannot both miss each other's row (the second gets CONFLICT and retries).
     */
    async signPlan(
      id: string,
      expectedVersion: number,
      role: SignOffRole,
      decide: (premises: PremisesModel, signed: SignOffRole[]) => PremisesChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(
        db,
        async (tx) => {
          const before = await readPremises(tx, id, expectedVersion);
          const signed = (await tx.planSignOff.findMany({ where: { premisesId: id }, select: { role: true } })).map((s) => s.role);
          const change = decide(before, signed);
          await tx.planSignOff.create({ data: { premisesId: id, role, actor: actor.id, actorArea: actor.area } });
          return advance(tx, before, change, actor);
        },
        `The plan of premises ${id} was signed by ${role} meanwhile; reload.`,
      );
    },

    /** A plain step: `decide` checks the row read in the transaction and says what changes. */
    async step(
      id: string,
      expectedVersion: number,
      decide: (premises: PremisesModel, buyback: BuybackModel | null) => PremisesChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(
        db,
        async (tx) => {
          const before = await readPremises(tx, id, expectedVersion);
          const buybackRow = await tx.buyback.findUnique({ where: { premisesId: id } });
          return advance(tx, before, decide(before, buybackRow ? toBuyback(buybackRow) : null), actor);
        },
        `Premises ${id} changed meanwhile; reload.`,
      );
    },
  };
}
