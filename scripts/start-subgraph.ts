/** `npm run start:subgraph -- NAME`: one subgraph alone, against DATABASE_URL (or the embedded database). */
import { failStartup } from '../lib/runtime/process';
import { runSubgraph } from '../lib/runtime/run-subgraph';
import { subgraphDefaults, subgraphs } from '../subgraphs';
import { loadSubgraph } from './subgraph-code';

const name = process.argv[2];
const subgraph = subgraphs.find((candidate) => candidate.name === name);
if (!subgraph) {
  console.error(`Usage: npm run start:subgraph -- NAME, where NAME is one of: ${subgraphs.map((s) => s.name).join(', ')}.`);
  process.exit(2);
}
loadSubgraph(subgraph.name).then((code) => runSubgraph(code, subgraphDefaults()), failStartup);
