import type { SubgraphContext } from '../../../lib/subgraph';
import type { HousingLoaders } from './loaders';
import type { HousingStore } from './store';

export type Context = SubgraphContext<HousingStore, HousingLoaders>;
