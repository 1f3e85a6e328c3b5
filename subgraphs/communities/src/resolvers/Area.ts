import { readPage, toConnection } from '../../../../lib/runtime/connections';
import { levelOfCode, significantPrefix } from '../../../../lib/kernel/auth';
import type { AreaResolvers } from '../generated/graphql';

/** The codes of every rung above `code`, from the top down, read off its prefix. */
function ancestorCodes(code: string): string[] {
  const prefix = significantPrefix(code);
  return [4, 6, 9].filter((length) => length < prefix.length).map((length) => code.slice(0, length).padEnd(12, '0'));
}

export const Area: AreaResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.area.load(reference.code),

  parent: (area, _, { loaders }) => (area.parentCode ? loaders.area.load(area.parentCode) : null),

  ancestors: async (area, _, { loaders }) => {
    const found = await Promise.all(ancestorCodes(area.code).map((code) => loaders.area.load(code)));
    return found.filter((ancestor) => ancestor !== null);
  },

  children: async (area, { first, after }, { loaders }) => {
    const page = readPage({ first, after }, ['areaCode']);
    const rows = await loaders.children(area.code, page);
    return toConnection(
      rows,
      page,
      (child) => [child.code],
      () => loaders.childCount.load(area.code),
    );
  },

  community: (area, _, { loaders }) => (levelOfCode(area.code) === 'COMMUNITY' ? loaders.community.load(area.code) : null),
};
