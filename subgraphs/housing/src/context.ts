import type { SubgraphContext } from '../../../lib/runtime/subgraph-server';
import type { HousingLoaders } from './loaders';
import type { HousingStore } from './store';

export type Context = SubgraphContext<HousingStore, HousingLoaders>;
