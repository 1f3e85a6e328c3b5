import { hasRole, type Role, type Viewer } from './auth';
import { badInput, forbidden, invalidTransition, unauthenticated } from './errors';

/**
 * Workflows are explicit state machines: a table of transitions, each saying who may take it
 * and what it requires. Subgraphs declare their table with `defineWorkflow` and call `check`
 * inside the transaction that reads the current state, so a refused step writes nothing.
 * Jurisdiction (whose records an actor may touch) is checked by the caller; the table says
 * which roles may take which step.
 */
export interface Transition<State extends string, Input> {
  from: State;
  to: State;
  /** Roles that may take this step. */
  roles: readonly Role[];
  /** What the step needs from the request: a problem naming the field, or undefined. */
  requires?: (input: Input) => { field: string; message: string } | undefined;
}

export interface Workflow<State extends string, Input> {
  name: string;
  transitions: readonly Transition<State, Input>[];
  /** The states reachable from `from` in one step (for anyone). */
  next(from: State): State[];
  /**
   * The transition from `from` to `to` for this viewer and input, or the refusal:
   * INVALID_TRANSITION when the table has no such step, UNAUTHENTICATED/FORBIDDEN when the
   * viewer may not take it, BAD_USER_INPUT (naming the field) when a requirement is unmet.
   */
  check(viewer: Viewer, from: State, to: State, input: Input): Transition<State, Input>;
}

export function requireText(field: string, what: string) {
  return (value: string | null | undefined) =>
    value === undefined || value === null || value.trim() === '' ? { field, message: `${what} is required for this step.` } : undefined;
}

export function defineWorkflow<State extends string, Input = Record<string, never>>(
  name: string,
  transitions: readonly Transition<State, Input>[],
): Workflow<State, Input> {
  const next = (from: State) => transitions.filter((t) => t.from === from).map((t) => t.to);
  return {
    name,
    transitions,
    next,
    check(viewer, from, to, input) {
      const transition = transitions.find((t) => t.from === from && t.to === to);
      if (!transition) {
        const allowed = next(from);
        throw invalidTransition(
          from,
          to,
          `${name} cannot go from ${from} to ${to}; from ${from} it can go to ${allowed.length > 0 ? allowed.join(', ') : 'nothing (final)'}.`,
        );
      }
      if (viewer.anonymous) throw unauthenticated(`${name}: ${from} → ${to} needs a signed-in caller.`);
      if (!hasRole(viewer, transition.roles)) {
        throw forbidden(`${name}: ${from} → ${to} is for ${transition.roles.join(', ')}.`);
      }
      const problem = transition.requires?.(input);
      if (problem) throw badInput(problem.field, problem.message);
      return transition;
    },
  };
}
