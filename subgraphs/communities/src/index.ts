import { runSubgraph } from '../../../lib/run';
import { subgraphDefaults } from '../..';
import { createCommunitiesServer } from './server';

runSubgraph({ name: 'communities', createServer: createCommunitiesServer }, subgraphDefaults());
