import { actsWithin, OFFICER_ROLES } from '../../../../lib/kernel/auth';
import { forbidden, unauthenticated } from '../../../../lib/kernel/errors';
import type { CommunityResolvers } from '../generated/graphql';

async function required<T>(value: Promise<T | null>, what: string): Promise<T> {
  const found = await value;
  if (found === null) throw new Error(`${what} is missing from the registry.`);
  return found;
}

export const Community: CommunityResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.community.load(reference.code),

  area: (community, _, { loaders }) => required(loaders.area.load(community.code), `Area ${community.code}`),

  street: (community, _, { loaders }) => required(loaders.area.load(community.parentCode), `Street ${community.parentCode}`),

  district: (community, _, { loaders }) => {
    const code = community.code.slice(0, 6).padEnd(12, '0');
    return required(loaders.area.load(code), `District ${code}`);
  },

  contacts: (community, _, { viewer }) => {
    if (viewer.anonymous) throw unauthenticated('Sign in as an officer to see community contacts.');
    if (!actsWithin(viewer, OFFICER_ROLES, community.code)) {
      throw forbidden(`Community ${community.code}'s contacts are for officers whose jurisdiction covers it.`);
    }
    return community;
  },
};
