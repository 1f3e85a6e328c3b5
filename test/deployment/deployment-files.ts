import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { K8S_DIR } from '../../scripts/k8s';
import { subgraphs } from '../../subgraphs';

/** Reads the deployment files as a container runtime or cluster would, for the tests beside it. */

export const root = path.resolve(__dirname, '../..');

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
}
export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages in order, each with its instructions (comments and blank lines dropped). */
export function dockerfileStages(file = path.join(root, 'Dockerfile')): Stage[] {
  const logical = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, from = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else if (stages.length) {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** An exec-form (JSON array) argument, as docker runs it: no shell in between. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`not exec form: ${args}`);
  return parsed;
}

export interface ComposeService {
  image?: string;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  stop_grace_period?: string;
  ports?: unknown[];
}

export function composeFile(): { services?: Record<string, ComposeService> } & Record<string, unknown> {
  return parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
}

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec: any };

/** Every object in the checked-in Kubernetes manifests. */
export function manifestObjects(): Manifest[] {
  return fs
    .readdirSync(K8S_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(K8S_DIR, file), 'utf8')).map((d) => d.toJSON() as Manifest));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'test' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * Which subgraphs each subgraph's code calls, read from its source: every call of a `peers`
 * client (lib/runtime/peers.ts, `peers('organizations', query, …)` or `loaders.peers(…)`) names its
 * peer as the first argument.
 */
export function peerCalls(): Record<string, string[]> {
  const names = new Set(subgraphs.map((s) => s.name));
  const calls: Record<string, string[]> = {};
  for (const subgraph of subgraphs) {
    const called = new Set<string>();
    for (const file of sourceFiles(path.join(root, 'subgraphs', subgraph.name, 'src'))) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) {
          const callee = node.expression;
          const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
          const [first] = node.arguments;
          if (name === 'peers' && first && ts.isStringLiteralLike(first)) {
            if (!names.has(first.text)) throw new Error(`${path.relative(root, file)} calls an unknown subgraph "${first.text}"`);
            called.add(first.text);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    calls[subgraph.name] = [...called].sort();
  }
  return calls;
}
