import fs from 'node:fs';
import path from 'node:path';
import type { Scenario, ScenarioContext, ScenarioFactory } from './scenarios/types';

/** Every subgraph's scenarios, from the modules in bench/scenarios/, reads first. */
export async function loadScenarios(context: ScenarioContext): Promise<Scenario[]> {
  const dir = path.join(__dirname, 'scenarios');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'types.ts')
    .sort();
  const factories = await Promise.all(files.map(async (f) => ((await import(path.join(dir, f))) as { default: ScenarioFactory }).default));
  // Reads first: the writes change the data the reads are measured on.
  return (await Promise.all(factories.map((factory) => factory(context)))).flat().sort((a, b) => Number(!a.subgraph) - Number(!b.subgraph));
}
