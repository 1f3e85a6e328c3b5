/** `npm start`: the whole graph on the embedded database (or DATABASE_URL), with the demo city. */
import { loadConfig } from '../lib/runtime/config';
import { failStartup, onShutdown, serviceLogger } from '../lib/runtime/process';
import { subgraphDefaults, subgraphs } from '../subgraphs';
import { launchGraph } from './launch';

(async () => {
  const config = loadConfig(process.env, subgraphDefaults());
  const log = serviceLogger(config, 'launcher');
  const graph = await launchGraph({ config, log, subgraphs, seed: true });
  // The whole graph closes five servers and the embedded database: allow it more than one service's grace.
  onShutdown(
    log,
    async () => {
      await graph.stop();
      console.log('Stopped cleanly.');
    },
    30_000,
  );
  const database = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(`
Community Resource Graph is up on ${database}.

  Gateway:   ${graph.gatewayUrl}
${Object.entries(graph.subgraphUrls)
  .map(([name, url]) => `  ${name.padEnd(14)} ${url}`)
  .join('\n')}

Mint a token (embedded secret) and ask the graph something:
  TOKEN=$(npm run -s token -- --role DISTRICT_CIVIL_AFFAIRS --area 510108000000)
  curl -s ${graph.gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"{ me { name roles areaCode } communities(filter: {within: \\"510108000000\\"}, first: 3) { totalCount edges { node { name households contacts { committeePhone } } } } }"}'

Ctrl-C stops everything.`);
})().catch(failStartup);
