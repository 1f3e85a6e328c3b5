import DataLoader from 'dataloader';
import type { Viewer } from '../../../lib/kernel/auth';
import { todayIn } from '../../../lib/kernel/dates';
import type { Page } from '../../../lib/runtime/connections';
import { groupedLoader, keyedLoader } from '../../../lib/runtime/loaders';
import type { FacilityModel } from './models';
import type { FacilitiesStore } from './store';

type Column = 'community_code' | 'unit_id';

export function createLoaders(store: FacilitiesStore, _viewer: Viewer) {
  // Community.sharedFacilities and Organization.facilities pages: one loader per (column,
  // first, after), so every key asked for with the same arguments shares one statement.
  const pages = new Map<string, DataLoader<string, FacilityModel[]>>();
  const counts = new Map<Column, DataLoader<string, number>>();
  const today = todayIn(store.timeZone);

  return {
    facility: keyedLoader(
      (ids: readonly string[]) => store.facilities.byId(ids),
      (facility) => facility.id,
    ),
    booking: keyedLoader(
      (ids: readonly string[]) => store.bookings.byId(ids),
      (booking) => booking.id,
    ),
    waitlistEntry: keyedLoader(
      (ids: readonly string[]) => store.waitlist.byId(ids),
      (entry) => entry.id,
    ),
    openingHours: groupedLoader(
      (ids: readonly string[]) => store.facilities.openingHours(ids),
      (interval) => interval.facilityId,
    ),
    closures: groupedLoader(
      (ids: readonly string[]) => store.closures.current(ids, today),
      (closure) => closure.facilityId,
    ),
    history: groupedLoader(
      (ids: readonly string[]) => store.facilities.history(ids),
      (event) => event.entityId,
    ),

    /** One page (first + 1 rows) of public facilities per community or unit, rows and all. */
    facilitiesBy(column: Column, page: Page<(string | number)[]>): DataLoader<string, FacilityModel[]> {
      const key = JSON.stringify([column, page.first, page.after ?? null]);
      let loader = pages.get(key);
      if (!loader) {
        loader = new DataLoader<string, FacilityModel[]>(async (keys) => {
          const byKey = new Map<string, FacilityModel[]>(keys.map((k) => [k, []]));
          for (const { key: owner, ...facility } of await store.facilities.pagesBy(column, keys, page)) byKey.get(owner)?.push(facility);
          return keys.map((k) => byKey.get(k)!);
        });
        pages.set(key, loader);
      }
      return loader;
    },

    facilityCountBy(column: Column): DataLoader<string, number> {
      let loader = counts.get(column);
      if (!loader) {
        loader = new DataLoader<string, number>(async (keys) => {
          const found = new Map((await store.facilities.countBy(column, keys)).map((row) => [row.key, row.count]));
          return keys.map((k) => found.get(k) ?? 0);
        });
        counts.set(column, loader);
      }
      return loader;
    },
  };
}

export type FacilitiesLoaders = ReturnType<typeof createLoaders>;
