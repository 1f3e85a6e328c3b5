import type { Measure, ScenarioResult } from './measure';

/** The run's tables in Markdown: latency and work per scenario and scale, CPU per request by process, and N×/1×. */

export interface ScaleResults {
  scale: number;
  results: ScenarioResult[];
}

const markdown = (rows: string[][]) =>
  [rows[0]!, rows[0]!.map(() => '---'), ...rows.slice(1)].map((r) => `| ${r.join(' | ')} |`).join('\n');
const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '–' : (a / b).toFixed(2));
const each = (s: ScenarioResult) => [s.gateway, s.subgraphTarget, s.sql];
const triple = (s: ScenarioResult, pick: (m: Measure) => string | number | null) =>
  each(s)
    .map((m) => (m ? (pick(m) ?? '–') : '–'))
    .join(' · ');

/** Latency, ratios, statements, merges, parameters and errors; open loop adds the achieved rate and what was lost. */
export function latencyTable(runs: ScaleResults[], open: boolean): string {
  const header = [
    'scenario',
    'scale',
    'rows',
    'params',
    'p50 gw · sub · sql',
    'gw/sub',
    'sub/sql',
    'req/s gw · sub · sql',
    'stmts',
    'merged',
    'errors',
  ];
  if (open) header.push('dropped · timeouts');
  const rows = runs.flatMap(({ scale, results }) =>
    results.map((s) => {
      const errors = each(s).reduce((sum, m) => sum + (m?.errors ?? 0), 0);
      const row = [
        s.scenario,
        `${scale}×`,
        s.equalWork ? `${s.equalWork.rows}` : '–',
        s.parameters.distinct === null ? '–' : `${s.parameters.distinct}/${s.parameters.requests}`,
        triple(s, (m) => m.p50ms),
        ratio(s.gateway.p50ms, s.subgraphTarget?.p50ms),
        ratio(s.subgraphTarget?.p50ms, s.sql?.p50ms),
        triple(s, (m) => m.requestsPerSecond),
        triple(s, (m) => m.statementsPerRequest),
        `${s.merged}`,
        `${errors}`,
      ];
      if (open)
        row.push(`${each(s).reduce((sum, m) => sum + (m?.dropped ?? 0), 0)} · ${each(s).reduce((sum, m) => sum + (m?.timeouts ?? 0), 0)}`);
      return row;
    }),
  );
  return markdown([header, ...rows]);
}

/** CPU ms per request of each process, and PostgreSQL's ms per request, per target. */
export function cpuTable(runs: ScaleResults[], pg: string): string {
  const processes = [
    ...new Set(runs.flatMap((r) => r.results.flatMap((s) => each(s).flatMap((m) => Object.keys(m?.cpuMsPerRequest ?? {}))))),
  ];
  const header = ['scenario', 'scale', 'target', ...processes, 'postgres'];
  const rows = runs.flatMap(({ scale, results }) =>
    results.flatMap((s) =>
      (
        [
          ['gateway', s.gateway],
          ['subgraph', s.subgraphTarget],
          ['sql', s.sql],
        ] as const
      )
        .filter(([, m]) => m)
        .map(([target, m]) => [
          s.scenario,
          `${scale}×`,
          target,
          ...processes.map((p) => (m!.cpuMsPerRequest[p] === undefined ? '–' : m!.cpuMsPerRequest[p].toFixed(2))),
          m!.pgMsPerRequest === null ? pg : m!.pgMsPerRequest.toFixed(2),
        ]),
    ),
  );
  return markdown([header, ...rows]);
}

/** p50 at N× over p50 at 1×, per target. */
export function scaleTable(runs: ScaleResults[]): string {
  const [one, many] = runs as [ScaleResults, ScaleResults];
  const rows = one.results.map((s) => {
    const at = many.results.find((m) => m.scenario === s.scenario);
    return [
      s.scenario,
      ratio(at?.gateway.p50ms, s.gateway.p50ms),
      ratio(at?.subgraphTarget?.p50ms, s.subgraphTarget?.p50ms),
      ratio(at?.sql?.p50ms, s.sql?.p50ms),
    ];
  });
  return markdown([['scenario', `${many.scale}×/1× gw`, 'sub', 'sql'], ...rows]);
}
