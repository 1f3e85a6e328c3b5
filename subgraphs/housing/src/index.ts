import { runSubgraph } from '../../../lib/runtime/run-subgraph';
import { subgraphDefaults } from '../..';
import { createHousingServer } from './server';

runSubgraph({ name: 'housing', createServer: createHousingServer }, subgraphDefaults());
