import type { SubgraphContext } from '../../../lib/runtime/subgraph-server';
import type { OrganizationsLoaders } from './loaders';
import type { OrganizationsStore } from './store';

export type Context = SubgraphContext<OrganizationsStore, OrganizationsLoaders>;
