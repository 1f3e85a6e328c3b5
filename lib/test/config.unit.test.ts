import { ConfigError, loadConfig } from '../runtime/config';

test('defaults make the embedded mode work untouched', () => {
  const config = loadConfig({}, { communities: 4001 });
  expect(config).toMatchObject({
    databaseUrl: undefined,
    gatewayPort: 4000,
    host: '127.0.0.1',
    subgraphPorts: { communities: 4001 },
    introspection: true,
    timeZone: 'Asia/Shanghai',
    bodyLimitBytes: 1024 * 1024,
    metrics: true,
    tracing: { endpoint: undefined, serviceName: undefined },
  });
  expect(config.dataDir).toMatch(/\.data$/);
});

test('production turns introspection off unless enabled', () => {
  expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
  expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }).introspection).toBe(true);
});

test('per-subgraph ports and URLs come from <NAME>_PORT and <NAME>_URL', () => {
  const config = loadConfig({ COMMUNITIES_PORT: '5001', COMMUNITIES_URL: 'http://communities:4001/graphql' }, { communities: 4001 });
  expect(config.subgraphPorts.communities).toBe(5001);
  expect(config.subgraphUrls.communities).toBe('http://communities:4001/graphql');
});

test.each([
  ['GATEWAY_PORT', 'eighty', /GATEWAY_PORT="eighty": expected a whole number from 0 to 65535/],
  ['GATEWAY_PORT', '70000', /GATEWAY_PORT/],
  ['DATABASE_URL', 'mysql://x', /DATABASE_URL.*postgres:, postgresql:/],
  ['DATABASE_POOL_SIZE', '0', /DATABASE_POOL_SIZE/],
  ['INTROSPECTION', 'maybe', /INTROSPECTION="maybe": expected true or false/],
  ['BODY_LIMIT', 'lots', /BODY_LIMIT/],
  ['CITY_TIME_ZONE', 'Mars/Olympus', /CITY_TIME_ZONE.*IANA/],
  ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
  ['JWT_SECRET', 'short', /JWT_SECRET.*at least 32/],
  ['JWT_PUBLIC_KEY', 'not a key', /JWT_PUBLIC_KEY/],
  ['MAX_QUERY_DEPTH', '1', /MAX_QUERY_DEPTH/],
  ['METRICS', 'sometimes', /METRICS="sometimes": expected true or false/],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', /OTEL_EXPORTER_OTLP_ENDPOINT.*http:, https:/],
])('an invalid %s=%s stops start-up naming the variable', (name, value, message) => {
  let error: unknown;
  try {
    loadConfig({ [name]: value });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).variable).toBe(name);
  expect((error as Error).message).toMatch(message);
});

test('sizes accept units', () => {
  expect(loadConfig({ BODY_LIMIT: '512kb' }).bodyLimitBytes).toBe(512 * 1024);
  expect(loadConfig({ BODY_LIMIT: '2mb' }).bodyLimitBytes).toBe(2 * 1024 * 1024);
});
