/**
 * `npm run documents -- <files or dir/*.graphql patterns>`: builds the trusted-documents
 * manifest (documents/manifest.json) from the portals' operations with Apollo's own generator
 * (@apollo/generate-persisted-query-manifest), so each id is the hash of the document exactly
 * as a stock Apollo Client sends it (`__typename` added to every selection); refuses to write it
 * when the supergraph no longer supports one of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { buildSchema, Kind, parse } from 'graphql';
import { apiSchemaSdl } from '../lib/build/schema-changes';
import { manifestProblems, type Manifest } from '../lib/edge/trusted-documents';

const root = path.join(__dirname, '..');
export const MANIFEST_PATH = path.join(root, 'documents/manifest.json');
export const PORTAL_DOCUMENTS = 'documents/portals/*.graphql';

/** Expands `dir/*.graphql` (the shell usually has already) and plain paths, relative to the repository. */
function expand(pattern: string): string[] {
  const absolute = path.resolve(root, pattern);
  if (!absolute.includes('*')) return [absolute];
  const dir = path.dirname(absolute);
  const matcher = new RegExp(
    `^${path
      .basename(absolute)
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return fs
    .readdirSync(dir)
    .filter((f) => matcher.test(f))
    .map((f) => path.join(dir, f));
}

/**
 * The manifest for these files. Each file holds one named operation, as Apollo's generator
 * demands; that is checked here first, with a thrown error, because the generator reports it
 * by exiting the process.
 */
export async function buildPortalManifest(patterns: readonly string[] = [PORTAL_DOCUMENTS]): Promise<Manifest> {
  const files = patterns.flatMap(expand).sort();
  for (const file of files) {
    const operations = parse(fs.readFileSync(file, 'utf8')).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1 || !operations[0]!.name) {
      throw new Error(
        `${path.relative(root, file)}: write one named operation per file (it has ${operations.length}${operations[0] && !operations[0].name ? ', unnamed' : ''}).`,
      );
    }
  }
  return await generatePersistedQueryManifest({ documents: files }, undefined);
}

/** What the supergraph no longer supports in the manifest, one line per operation and problem. */
export function supergraphProblems(manifest: Manifest): string[] {
  const schema = buildSchema(apiSchemaSdl(fs.readFileSync(path.join(root, 'schema/supergraph.graphql'), 'utf8')));
  return manifestProblems(manifest, schema);
}

async function main() {
  const patterns = process.argv.slice(2);
  const manifest = await buildPortalManifest(patterns.length ? patterns : undefined);
  const problems = supergraphProblems(manifest);
  if (problems.length) {
    console.error(`The supergraph no longer supports these operations:\n${problems.join('\n')}`);
    process.exit(1);
  }
  fs.writeFileSync(MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Wrote ${manifest.operations.length} operations to ${path.relative(process.cwd(), MANIFEST_PATH)}.`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
