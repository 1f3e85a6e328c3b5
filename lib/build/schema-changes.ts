import fs from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/**
 * Schema-change checks for the portals' contract: the public API schema of the composed
 * supergraph against the last released one, with @graphql-inspector/core. A breaking change
 * fails unless recorded, with a reason, in schema/breaking-changes.json (reviewed like code);
 * every change is listed in schema/CHANGELOG.md, which front-end teams read.
 */

export const SCHEMA_DIR = path.resolve(__dirname, '../../schema');
export const RELEASED_PATH = path.join(SCHEMA_DIR, 'released.graphql');
export const APPROVALS_PATH = path.join(SCHEMA_DIR, 'breaking-changes.json');
export const CHANGELOG_PATH = path.join(SCHEMA_DIR, 'CHANGELOG.md');
const SUPERGRAPH_PATH = path.join(SCHEMA_DIR, 'supergraph.graphql');

/** A reviewed breaking change: its inspector path and message, and why it is accepted. */
export interface Approval {
  path: string;
  message: string;
  reason: string;
}

/** What clients see: the supergraph without its federation machinery, sorted for stable diffs. */
export function apiSchemaSdl(supergraphSdl: string): string {
  const api = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  return printSchema(lexicographicSortSchema(api));
}

export interface SchemaCheck {
  changes: Change[];
  /** Breaking changes nobody approved: the check fails on these. */
  unapproved: Change[];
  /** Approvals that match no change any more (stale entries to remove). */
  stale: Approval[];
}

const keyOf = (change: { path?: string; message: string }) => `${change.path ?? ''}\u0000${change.message}`;

export async function checkSchema(released: GraphQLSchema, current: GraphQLSchema, approvals: readonly Approval[]): Promise<SchemaCheck> {
  const changes = await diff(released, current);
  const approved = new Set(approvals.filter((a) => a.reason.trim() !== '').map(keyOf));
  const unapproved = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking && !approved.has(keyOf(c)));
  const found = new Set(changes.map(keyOf));
  return { changes, unapproved, stale: approvals.filter((a) => !found.has(keyOf(a))) };
}

/** The changelog's unreleased section for these changes, most severe first. */
export function unreleasedSection(changes: readonly Change[], approvals: readonly Approval[]): string {
  const reasons = new Map(approvals.map((a) => [keyOf(a), a.reason]));
  const order = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];
  const lines = [...changes]
    .sort((a, b) => order.indexOf(a.criticality.level) - order.indexOf(b.criticality.level) || keyOf(a).localeCompare(keyOf(b)))
    .map((c) => {
      const reason = reasons.get(keyOf(c));
      return `- **${c.criticality.level}** \`${c.path ?? ''}\`: ${c.message}${reason ? ` (${reason})` : ''}`;
    });
  return ['## Unreleased', '', ...(lines.length ? lines : ['No changes since the last release.']), ''].join('\n');
}

export function readCurrent(): { released: GraphQLSchema; current: GraphQLSchema; approvals: Approval[] } {
  return {
    released: buildSchema(fs.readFileSync(RELEASED_PATH, 'utf8')),
    current: buildSchema(apiSchemaSdl(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'))),
    approvals: JSON.parse(fs.readFileSync(APPROVALS_PATH, 'utf8')) as Approval[],
  };
}

/** The changelog with its unreleased section replaced (everything after it kept). */
export function withUnreleased(changelog: string, section: string): string {
  const start = changelog.indexOf('## Unreleased');
  if (start < 0) throw new Error(`${CHANGELOG_PATH} has no "## Unreleased" section.`);
  const next = changelog.indexOf('\n## ', start + 1);
  return changelog.slice(0, start) + section + (next < 0 ? '' : changelog.slice(next));
}
