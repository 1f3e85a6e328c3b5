import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import { fromDecimalColumn } from '../../../../lib/kernel/money';
import { Prisma } from '../generated/prisma/client';
import type { SignOffRole } from '../generated/prisma/enums';
import type { Defect } from '../generated/graphql';
import type { InspectionModel, InspectionSignatureModel, NewInspection, PremisesChange, PremisesModel } from '../models';
import { write, type StoreClient } from './client';
import { advance, readPremises } from './premises';

type InspectionRow = Omit<InspectionModel, 'measuredArea' | 'plannedArea'> & { measuredArea: Prisma.Decimal; plannedArea: Prisma.Decimal };

/** The premises' inspections by round, with the planned area each measured area is held against. */
function inspectionsOf(premisesIds: string[]) {
  return Prisma.sql`
        SELECT i.id::text AS id, i.premises_id::text AS "premisesId", p.community_code AS "communityCode", p.planned_area AS "plannedArea", i.round::int AS round,
               i.measured_area AS "measuredArea", i.location_as_planned AS "locationAsPlanned", i.above_ground AS "aboveGround",
               i.regular_shape AS "regularShape", i.no_partitions AS "noPartitions", i.own_entrance AS "ownEntrance",
               i.utilities, i.defects, i.notes, i.outcome::text AS outcome, i.recorded_at AS "recordedAt", i.decided_at AS "decidedAt"
          FROM housing.inspection i JOIN housing.premises p ON p.id = i.premises_id
         WHERE i.premises_id = ANY(${premisesIds}::uuid[])
         ORDER BY i.premises_id, i.round`;
}

/** The inspections' signatures, with the community that decides who sees the actor. */
function signaturesOf(inspectionIds: string[]) {
  return Prisma.sql`
        SELECT s.inspection_id::text AS "inspectionId", p.community_code AS "communityCode", s.role::text AS role, s.actor,
               s.actor_area AS area, s.signed_at AS "signedAt"
          FROM housing.inspection_signature s
          JOIN housing.inspection i ON i.id = s.inspection_id
          JOIN housing.premises p ON p.id = i.premises_id
         WHERE s.inspection_id = ANY(${inspectionIds}::uuid[])
         ORDER BY s.inspection_id, s.signed_at, s.role`;
}

export function inspectionsStore(db: StoreClient) {
  return {
    async ofPremises(premisesIds: readonly string[]): Promise<InspectionModel[]> {
      const rows = await db.$queryRaw<InspectionRow[]>(inspectionsOf(premisesIds.filter(isUuid)));
      return rows.map((row) => ({
        ...row,
        measuredArea: fromDecimalColumn(new Prisma.Decimal(row.measuredArea)),
        plannedArea: fromDecimalColumn(new Prisma.Decimal(row.plannedArea)),
      }));
    },

    signatures: (inspectionIds: readonly string[]) => db.$queryRaw<InspectionSignatureModel[]>(signaturesOf(inspectionIds.filter(isUuid))),

    /** Records an inspection with the caller's signature; the premises' state waits for the countersignature. */
    async record(
      id: string,
      expectedVersion: number,
      role: SignOffRole,
      inspection: NewInspection,
      decide: (premises: PremisesModel, pending: boolean) => PremisesChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(
        db,
        async (tx) => {
          const before = await readPremises(tx, id, expectedVersion);
          const pending = (await tx.inspection.count({ where: { premisesId: id, outcome: null } })) > 0;
          const change = decide(before, pending);
          const round = (await tx.inspection.count({ where: { premisesId: id } })) + 1;
          const inspectionId = randomUUID();
          await tx.inspection.create({ data: { id: inspectionId, premisesId: id, round, ...inspection } });
          await tx.inspectionSignature.create({ data: { inspectionId, role, actor: actor.id, actorArea: actor.area } });
          return advance(tx, before, { ...change, detail: { ...change.detail, round, ...inspection } }, actor);
        },
        `Premises ${id} was inspected meanwhile; reload.`,
      );
    },

    /** The second office signs the pending inspection; its outcome becomes the premises' state. */
    async countersign(
      id: string,
      expectedVersion: number,
      role: SignOffRole,
      decide: (premises: PremisesModel, pending: InspectionModel | null, signed: SignOffRole[]) => PremisesChange,
      actor: Actor,
    ): Promise<PremisesModel> {
      return write(
        db,
        async (tx) => {
          const before = await readPremises(tx, id, expectedVersion);
          const row = await tx.inspection.findFirst({ where: { premisesId: id, outcome: null } });
          const pending: InspectionModel | null = row
            ? {
                ...row,
                measuredArea: fromDecimalColumn(row.measuredArea),
                defects: row.defects as Defect[],
                communityCode: before.communityCode,
                plannedArea: before.plannedArea,
              }
            : null;
          const signed = pending
            ? (await tx.inspectionSignature.findMany({ where: { inspectionId: pending.id }, select: { role: true } })).map((s) => s.role)
            : [];
          const change = decide(before, pending, signed);
          await tx.inspectionSignature.create({ data: { inspectionId: pending!.id, role, actor: actor.id, actorArea: actor.area } });
          await tx.inspection.update({ where: { id: pending!.id }, data: { outcome: change.to, decidedAt: new Date() } });
          return advance(tx, before, change, actor);
        },
        `The inspection of premises ${id} was countersigned meanwhile; reload.`,
      );
    },
  };
}
