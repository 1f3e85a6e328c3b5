import { runSubgraph } from '../../../lib/runtime/run-subgraph';
import { subgraphDefaults } from '../..';
import { createCommunitiesServer } from './server';

runSubgraph({ name: 'communities', createServer: createCommunitiesServer }, subgraphDefaults());
