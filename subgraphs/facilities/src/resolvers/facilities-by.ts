import { readPage, toConnection } from '../../../../lib/runtime/connections';
import type { Context } from '../context';

/** One page of public facilities per key: batched across the request, one statement for pages, one for counts. */
export async function facilitiesBy(
  column: 'community_code' | 'unit_id',
  key: string,
  args: { first?: number | null; after?: string | null },
  { loaders }: Context,
) {
  const page = readPage(args, ['text', 'uuid']);
  const rows = await loaders.facilitiesBy(column, page).load(key);
  for (const row of rows) loaders.facility.prime(row.id, row);
  return toConnection(
    rows,
    page,
    (f) => [f.name, f.id],
    () => loaders.facilityCountBy(column).load(key),
  );
}
