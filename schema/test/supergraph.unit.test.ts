import fs from 'node:fs';
import { SUPERGRAPH_PATH } from '../../gateway/src/server';
import { composeSupergraph, significantHints } from '../../lib/build/compose';
import { subgraphs } from '../../subgraphs';

describe('the checked-in supergraph', () => {
  const composition = composeSupergraph(subgraphs);

  test('composes without errors or significant hints', () => {
    expect(composition.errors).toEqual([]);
    expect(significantHints(composition.hints).map((hint) => `${hint.definition.code}: ${hint.message}`)).toEqual([]);
  });

  test('is what `npm run compose` writes today (run it after changing any schema.graphql)', () => {
    const checkedIn = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
    expect(checkedIn.trimEnd()).toBe(composition.supergraphSdl!.trimEnd());
  });

  test('names every subgraph in the list', () => {
    const checkedIn = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
    for (const subgraph of subgraphs) expect(checkedIn).toContain(`@join__graph(name: "${subgraph.name}"`);
  });
});
