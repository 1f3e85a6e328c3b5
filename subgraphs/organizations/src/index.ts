import { runSubgraph } from '../../../lib/run';
import { subgraphs } from '../..';

runSubgraph(subgraphs.find((subgraph) => subgraph.name === 'organizations')!);
