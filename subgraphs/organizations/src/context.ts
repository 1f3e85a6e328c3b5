import type { SubgraphContext } from '../../../lib/subgraph';
import type { OrganizationsLoaders } from './loaders';
import type { OrganizationsStore } from './store';

export type Context = SubgraphContext<OrganizationsStore, OrganizationsLoaders>;
