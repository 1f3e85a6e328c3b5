import { runSubgraph } from '../../../lib/runtime/run-subgraph';
import { subgraphDefaults } from '../..';
import { createFacilitiesServer } from './server';

runSubgraph({ name: 'facilities', createServer: createFacilitiesServer }, subgraphDefaults());
