import fs from 'node:fs';
import { composeServices } from '@apollo/composition';
import type { CompositionHint } from '@apollo/composition/dist/hints';
import { parse } from 'graphql';

export interface ComposableSubgraph {
  name: string;
  port: number;
  sdlPath: string;
}

export interface Composition {
  supergraphSdl: string | undefined;
  errors: string[];
  hints: CompositionHint[];
}

/**
 * Composes the supergraph from every subgraph's SDL. The URLs recorded are the local defaults;
 * the gateway replaces them with configured ones at start.
 */
export function composeSupergraph(list: readonly ComposableSubgraph[]): Composition {
  const result = composeServices(
    list.map((subgraph) => ({
      name: subgraph.name,
      url: `http://127.0.0.1:${subgraph.port}/graphql`,
      typeDefs: parse(fs.readFileSync(subgraph.sdlPath, 'utf8')),
    })),
  );
  if (result.errors) return { supergraphSdl: undefined, errors: result.errors.map((e) => e.message), hints: [] };
  return { supergraphSdl: result.supergraphSdl, errors: [], hints: result.hints };
}

/** Hints that point at a real mistake rather than a stylistic difference between subgraphs. */
export function significantHints(hints: readonly CompositionHint[]): CompositionHint[] {
  const harmless = new Set([
    'INCONSISTENT_DESCRIPTION',
    'INCONSISTENT_BUT_COMPATIBLE_OUTPUT_TYPE',
    'INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM',
  ]);
  return hints.filter((hint) => !harmless.has(hint.definition.code));
}
