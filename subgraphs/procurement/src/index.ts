import { runSubgraph } from '../../../lib/run';
import { subgraphDefaults } from '../..';
import { createProcurementServer } from './server';

runSubgraph({ name: 'procurement', createServer: createProcurementServer }, subgraphDefaults());
