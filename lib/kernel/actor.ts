import type { Role, SignedInViewer } from './auth';

/**
 * Who made a change, as every audit trail and status history records it: the signed-in caller,
 * the roles they acted in, the organisation they acted for, their jurisdiction and the request.
 */
export interface Actor {
  readonly id: string;
  /** The roles the change was made in: all the caller's, or the one a workflow step needed. */
  readonly roles: readonly Role[];
  readonly org: string | null;
  /** The caller's jurisdiction, a 12-digit division code. */
  readonly area: string;
  readonly requestId: string;
}

/** The actor of a change by `viewer`; `actingAs` narrows the roles to the one the step needed. */
export function actorOf(viewer: SignedInViewer, requestId: string, actingAs?: Role): Actor {
  return { id: viewer.id, roles: actingAs ? [actingAs] : [...viewer.roles], org: viewer.org ?? null, area: viewer.area, requestId };
}
