import type { SubgraphContext } from '../../../lib/subgraph';
import type { FacilitiesLoaders } from './loaders';
import type { FacilitiesStore } from './store';

export type Context = SubgraphContext<FacilitiesStore, FacilitiesLoaders>;
