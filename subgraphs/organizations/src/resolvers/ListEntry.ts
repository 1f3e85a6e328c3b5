import type { ListEntryResolvers } from '../generated/graphql';
import { stateOn } from '../standing';

export const ListEntry: ListEntryResolvers = {
  state: (entry) => stateOn(entry, entry.viewedOn),
};
