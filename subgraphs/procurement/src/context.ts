import type { SubgraphContext } from '../../../lib/runtime/subgraph-server';
import type { ProcurementLoaders } from './loaders';
import type { ProcurementStore } from './store/index';

export type Context = SubgraphContext<ProcurementStore, ProcurementLoaders>;
