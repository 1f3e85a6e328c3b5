import { runSubgraph } from '../../../lib/run';
import { subgraphDefaults } from '../..';
import { createOrganizationsServer } from './server';

runSubgraph({ name: 'organizations', createServer: createOrganizationsServer }, subgraphDefaults());
