/** `npm run compose`: writes schema/supergraph.graphql from every subgraph's SDL. */
import fs from 'node:fs';
import { SUPERGRAPH_PATH } from '../gateway/src/server';
import { composeSupergraph, significantHints } from '../lib/build/compose';
import { subgraphs } from '../subgraphs';

const { supergraphSdl, errors, hints } = composeSupergraph(subgraphs);
if (!supergraphSdl) {
  console.error(`Composition failed:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  process.exit(1);
}
for (const hint of significantHints(hints)) console.warn(`hint ${hint.definition.code}: ${hint.message}`);
fs.writeFileSync(SUPERGRAPH_PATH, supergraphSdl.endsWith('\n') ? supergraphSdl : `${supergraphSdl}\n`);
console.log(`Wrote ${SUPERGRAPH_PATH} from ${subgraphs.map((s) => s.name).join(', ')}.`);
