/**
 * `npm run documents -- <files or dir/*.graphql patterns>`: builds the trusted-documents
 * manifest (documents/manifest.json, Apollo's persisted-query-list format) from the portals'
 * operations, and refuses to write it when the supergraph no longer supports one of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { apiSchemaSdl } from '../lib/schema-changes';
import { buildManifest, manifestProblems } from '../lib/trusted-documents';

const root = path.join(__dirname, '..');
export const MANIFEST_PATH = path.join(root, 'documents/manifest.json');

/** Expands `dir/*.graphql` (the shell usually has already) and plain paths. */
function expand(pattern: string): string[] {
  if (!pattern.includes('*')) return [pattern];
  const dir = path.dirname(pattern);
  const matcher = new RegExp(`^${path.basename(pattern).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return fs.readdirSync(dir).filter((f) => matcher.test(f)).map((f) => path.join(dir, f));
}

const patterns = process.argv.slice(2);
const files = (patterns.length ? patterns : ['documents/portals/*.graphql']).flatMap(expand).sort();
const manifest = buildManifest(files.map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') })));
const schema = buildSchema(apiSchemaSdl(fs.readFileSync(path.join(root, 'schema/supergraph.graphql'), 'utf8')));
const problems = manifestProblems(manifest, schema);
if (problems.length) {
  console.error(`The supergraph no longer supports these operations:\n${problems.join('\n')}`);
  process.exit(1);
}
fs.writeFileSync(MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`Wrote ${manifest.operations.length} operations from ${files.length} files to ${path.relative(process.cwd(), MANIFEST_PATH)}.`);
