import type { SubgraphContext } from '../../../lib/runtime/subgraph-server';
import type { FacilitiesLoaders } from './loaders';
import type { FacilitiesStore } from './store';

export type Context = SubgraphContext<FacilitiesStore, FacilitiesLoaders>;
