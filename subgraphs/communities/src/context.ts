import type { SubgraphContext } from '../../../lib/runtime/subgraph-server';
import type { CommunitiesLoaders } from './loaders';
import type { CommunitiesStore } from './store';

export type Context = SubgraphContext<CommunitiesStore, CommunitiesLoaders>;
