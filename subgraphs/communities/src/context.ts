import type { SubgraphContext } from '../../../lib/subgraph';
import type { CommunitiesLoaders } from './loaders';
import type { CommunitiesStore } from './store';

export type Context = SubgraphContext<CommunitiesStore, CommunitiesLoaders>;
