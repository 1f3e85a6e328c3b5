import os from 'node:os';
import path from 'node:path';
import { subgraphs } from '../subgraphs';

/** The token secret every benchmark signs with (its graph is its own). */
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0001';

/**
 * The environment a benchmark's in-process graph runs with: every port free, logs, rate limits
 * and trace export off (they would be measured too), data in a temporary folder of its own.
 */
export function benchEnvironment(label: string): NodeJS.ProcessEnv & { DATA_DIR: string } {
  const ports = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));
  return {
    ...process.env,
    LOG_LEVEL: 'silent',
    JWT_SECRET: BENCH_SECRET,
    GATEWAY_PORT: '0',
    RATE_LIMIT_POINTS: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    DATA_DIR: path.join(os.tmpdir(), `crg-bench-${label}-${process.pid}`),
    ...ports,
  };
}
