import { runSubgraph } from '../../../lib/run';
import { subgraphDefaults, subgraphs } from '../..';

runSubgraph(subgraphs.find((subgraph) => subgraph.name === 'facilities')!, subgraphDefaults());
