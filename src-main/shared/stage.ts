// What the linker's routine rules read of one event (core/link/routine.ts), as the store can read it from
// the case's columns alone (store/queries.ts timedStages) and as the linker reads it from a whole event:
// one shape for both layers, which may not import each other.

/** What the rules read of one event: as the linker reads it, or as the case's columns hold it. */
export interface StageFields {
  id: number;
  kind: string;
  action?: string | undefined;
  /** The target's resource, with its subresource (`pods/status`). */
  resource?: string | undefined;
  /** The target's namespace, name and uid: which object a write changed. */
  namespace?: string | undefined;
  name?: string | undefined;
  uid?: string | undefined;
  timeNs: bigint | null;
  outcome: string;
  authzDecision?: string | undefined;
  keys?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * An event as the routine rules and the columns of routine requests read it: its stage fields and its
 * actor (the id of an event's actor, when it has one). A store can read these few columns of every event
 * and the whole row of only those the linker must have (`RoutineRequests.setAsideStages`).
 */
export interface LeanStage extends StageFields {
  actorId?: string | undefined;
}
