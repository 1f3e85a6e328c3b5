import { runSubgraph } from '../../../lib/runtime/run-subgraph';
import { subgraphDefaults } from '../..';
import { createOrganizationsServer } from './server';

runSubgraph({ name: 'organizations', createServer: createOrganizationsServer }, subgraphDefaults());
