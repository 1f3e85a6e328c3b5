import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';

/**
 * Trusted documents: portals register their operations in a manifest, in Apollo's
 * persisted-query-list format, written by Apollo's own generator (scripts/documents.ts) so that
 * an id is the hash of the document as a stock Apollo Client sends it, and read by Apollo
 * Router too, so portal teams keep their tooling; the gateway serves them by id. Modes:
 * off (the embedded default), allow (registered ids and arbitrary documents, the latter logged)
 * and only (production: an unregistered document is refused before it is parsed).
 */
export type TrustedDocumentsMode = 'off' | 'allow' | 'only';

export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface Manifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ManifestOperation[];
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Operations the schema no longer supports, with why. */
export function manifestProblems(manifest: Manifest, schema: GraphQLSchema): string[] {
  return manifest.operations.flatMap((operation) =>
    validate(schema, parse(operation.body)).map((error) => `${operation.name}: ${error.message}`),
  );
}

export function readManifest(file: string): Manifest {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new Error(`${file} is not an Apollo persisted-query manifest (format apollo-persisted-query-manifest, version 1).`);
  }
  return manifest;
}

export interface TrustedDocuments {
  mode: TrustedDocumentsMode;
  /**
   * Resolves a request body before GraphQL sees it: a registered id becomes its document; an
   * unregistered document is refused in `only` mode and reported in `allow` mode.
   */
  resolve(body: Record<string, unknown>): { body: Record<string, unknown>; unregistered?: string };
}

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'OPERATION_NOT_REGISTERED', http: { status: 400 } } });
}

export function trustedDocuments(mode: TrustedDocumentsMode, manifest: Manifest | undefined): TrustedDocuments {
  const byId = new Map((manifest?.operations ?? []).map((o) => [o.id, o.body]));
  return {
    mode,
    resolve(body) {
      if (mode === 'off') return { body };
      const extensions = body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
      const id = typeof body.documentId === 'string' ? body.documentId : extensions?.persistedQuery?.sha256Hash;
      const registered = typeof id === 'string' ? byId.get(id) : undefined;
      if (registered !== undefined) return { body: { ...body, query: registered } };
      if (typeof body.query === 'string') {
        const known = byId.has(sha256(body.query));
        if (known) return { body };
        if (mode === 'only') throw refusal('Only registered operations are served here; register this one in the portal manifest.');
        return { body, unregistered: sha256(body.query) };
      }
      // An id that is not registered: APQ may still know it (allow), never in `only`.
      if (mode === 'only' && typeof id === 'string') throw refusal(`No registered operation has the id ${id.slice(0, 80)}.`);
      return { body };
    },
  };
}
