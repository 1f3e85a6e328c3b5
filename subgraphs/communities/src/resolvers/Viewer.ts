import type { ViewerResolvers } from '../generated/graphql';

export const Viewer: ViewerResolvers = {
  areaCode: (viewer) => viewer.area,
  area: (viewer, _, { loaders }) => loaders.area.load(viewer.area),
  organizationId: (viewer) => viewer.org ?? null,
};
