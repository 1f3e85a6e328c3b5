import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../../../lib/runtime/db';
import { conflict, notFound } from '../../../../lib/kernel/errors';
import { fromDateColumn, toDateColumn } from '../../../../lib/kernel/dates';
import type { Actor } from '../../../../lib/kernel/actor';
import { isUuid } from '../../../../lib/kernel/ids';
import type { Prisma } from '../generated/prisma/client';
import type { ListEntryModel, NewListing, Removal } from '../models';
import { audit, type StoreClient } from './client';

/** A list entry as stored, its state read for `today` until a standing reads it for another day. */
function toListEntry(row: Prisma.ListEntryGetPayload<object>, today: string): ListEntryModel {
  return {
    id: row.id,
    organizationId: row.organizationId,
    list: row.list,
    listedOn: fromDateColumn(row.listedOn),
    reason: row.reason,
    authority: row.authority,
    documentNumber: row.documentNumber,
    removedOn: fromDateColumn(row.removedOn),
    removalDocumentNumber: row.removalDocumentNumber,
    removalReason: row.removalReason,
    version: row.version,
    viewedOn: today,
  };
}

/** Entries on chinanpo's lists (经营异常名录, 严重违法失信名单): listed, later removed, never deleted. */
export function listEntriesStore(db: StoreClient, today: () => string) {
  return {
    async ofOrganizations(ids: readonly string[]): Promise<ListEntryModel[]> {
      const day = today();
      const rows = await db.listEntry.findMany({
        where: { organizationId: { in: ids.filter(isUuid) } },
        orderBy: [{ organizationId: 'asc' }, { listedOn: 'asc' }, { id: 'asc' }],
      });
      return rows.map((row) => toListEntry(row, day));
    },

    async byIds(ids: readonly string[]): Promise<ListEntryModel[]> {
      const day = today();
      const rows = await db.listEntry.findMany({ where: { id: { in: ids.filter(isUuid) } } });
      return rows.map((row) => toListEntry(row, day));
    },

    /**
     * Lists the organisation. One open entry per list (ALREADY_ON_LIST): checked here to name the
     * open entry, and by the partial unique index when two listings race.
     */
    async recordListing(organizationId: string, listing: NewListing, actor: Actor): Promise<ListEntryModel> {
      const alreadyListed = (detail: string) =>
        conflict(
          `Organisation ${organizationId} is already on the ${listing.list} list${detail}; record its removal before listing it again.`,
          {
            field: 'input.list',
            rule: 'ALREADY_ON_LIST',
          },
        );
      try {
        return await db.$transaction(async (tx) => {
          const open = await tx.listEntry.findFirst({ where: { organizationId, list: listing.list, removedOn: null } });
          if (open) throw alreadyListed(` (entry ${open.id}, listed on ${fromDateColumn(open.listedOn)})`);
          const created = await tx.listEntry.create({
            data: { id: randomUUID(), organizationId, ...listing, listedOn: toDateColumn(listing.listedOn), recordedBy: actor.id },
          });
          await audit(
            tx,
            {
              entityType: 'ListEntry',
              entityId: created.id,
              action: 'LIST',
              reason: listing.reason,
              after: { organizationId, ...listing },
            },
            actor,
          );
          return toListEntry(created, today());
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw alreadyListed('');
        throw error;
      }
    },

    /**
     * Records the entry's removal if `check` allows it against the row read in the transaction;
     * the update is guarded by the version and by the entry still being open.
     */
    async recordRemoval(
      entryId: string,
      expectedVersion: number,
      removal: Removal,
      check: (entry: ListEntryModel) => void,
      actor: Actor,
    ): Promise<ListEntryModel> {
      return db.$transaction(async (tx) => {
        const row = isUuid(entryId) ? await tx.listEntry.findUnique({ where: { id: entryId } }) : null;
        if (!row) throw notFound(`No list entry ${entryId} is recorded.`);
        const before = toListEntry(row, today());
        if (expectedVersion !== before.version) {
          throw conflict(`List entry ${entryId} was changed by someone else (now version ${before.version}); reload and retry.`, {
            field: 'input.expectedVersion',
            rule: 'EXPECTED_VERSION',
            currentVersion: before.version,
          });
        }
        check(before);
        const { count } = await tx.listEntry.updateMany({
          where: { id: entryId, version: before.version, removedOn: null },
          data: {
            removedOn: toDateColumn(removal.removedOn),
            removalDocumentNumber: removal.documentNumber,
            removalReason: removal.reason,
            removedBy: actor.id,
            removalRecordedAt: new Date(),
            version: { increment: 1 },
          },
        });
        if (count !== 1)
          throw conflict(`List entry ${entryId} was changed by someone else meanwhile; reload and retry.`, {
            field: 'input.expectedVersion',
            rule: 'EXPECTED_VERSION',
          });
        const after = toListEntry(await tx.listEntry.findUniqueOrThrow({ where: { id: entryId } }), today());
        await audit(
          tx,
          {
            entityType: 'ListEntry',
            entityId: entryId,
            action: 'REMOVE',
            reason: removal.reason ?? undefined,
            before: { removedOn: null },
            after: { removedOn: removal.removedOn, documentNumber: removal.documentNumber },
          },
          actor,
        );
        return after;
      });
    },
  };
}
