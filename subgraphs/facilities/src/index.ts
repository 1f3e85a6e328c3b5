import { runSubgraph } from '../../../lib/run';
import { subgraphDefaults } from '../..';
import { createFacilitiesServer } from './server';

runSubgraph({ name: 'facilities', createServer: createFacilitiesServer }, subgraphDefaults());
