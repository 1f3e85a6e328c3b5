import { runSubgraph } from '../../../lib/run';
import { subgraphDefaults } from '../..';
import { createHousingServer } from './server';

runSubgraph({ name: 'housing', createServer: createHousingServer }, subgraphDefaults());
