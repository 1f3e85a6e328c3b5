import { runSubgraph } from '../../../lib/runtime/run-subgraph';
import { subgraphDefaults } from '../..';
import { createProcurementServer } from './server';

runSubgraph({ name: 'procurement', createServer: createProcurementServer }, subgraphDefaults());
