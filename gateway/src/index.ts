import { loadConfig } from '../../lib/runtime/config';
import { listen } from '../../lib/edge/http';
import { startTracing } from '../../lib/edge/tracing';
import { createVerifier, failStartup, onShutdown, serviceLogger } from '../../lib/runtime/process';
import { subgraphDefaults, subgraphs } from '../../subgraphs';
import { createGatewayServer } from './server';

/** The gateway alone (`npm run start:gateway`, a container): subgraphs at <NAME>_URL or host:port. */
(async () => {
  const config = loadConfig(process.env, subgraphDefaults());
  const log = serviceLogger(config, 'gateway');
  const tracing = await startTracing({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName ?? 'gateway' });
  const subgraphUrls = Object.fromEntries(
    subgraphs.map((s) => [s.name, config.subgraphUrls[s.name] ?? `http://127.0.0.1:${config.subgraphPorts[s.name]}/graphql`]),
  );
  const gateway = await createGatewayServer({ config, verifyToken: await createVerifier(config), log, subgraphUrls });
  const port = await listen(gateway.http, config.gatewayPort, config.host, 'gateway');
  log.info({ url: `http://${config.host}:${port}/graphql` }, 'gateway listening');
  onShutdown(log, async () => {
    await gateway.close();
    await tracing?.shutdown();
  });
})().catch(failStartup);
