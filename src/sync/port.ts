/**
 * The sync worker's port: what a target (an application the bridge provisions) is given, what
 * it must do, and how it reports a failure. The worker computes the desired state of one member
 * or group from SQLite; the target makes the application match it and returns what it
 * confirmed. Targets (src/targets) implement this port and import it; the worker imports no
 * target code, and src/server.ts composes the two.
 *
 * The port does not name the HTTP client a target calls its application with: the worker only
 * builds one per entity (`ResolvedTarget.http`, which records every call) and hands it on inside
 * `SyncIo`, so the client's type is a parameter (`Http`), fixed by the targets
 * (src/targets/types.ts binds it to their `TargetHttp`).
 */
import type { BindingRole, OrgRole, ScopeType } from '../directory/access/types.js';

export interface DesiredMember {
  memberId: string;
  /** False once the member is gone from the organization. */
  exists: boolean;
  email: string;
  name: string | null;
  role: OrgRole;
  disabled: boolean;
  /** A break-glass account: never disabled or removed by sync. */
  protected: boolean;
  /** The groups the member belongs to, with their bindings (LangSmith derives access from them). */
  groups: DesiredGroupRef[];
}

export interface DesiredGroupRef {
  groupId: string;
  name: string;
  createdAt: string;
  bindings: DesiredBinding[];
}

export interface DesiredBinding {
  role: BindingRole;
  customRoleId: string | null;
  scopeType: ScopeType;
  scopeId: string;
}

export interface DesiredGroup {
  groupId: string;
  exists: boolean;
  name: string;
  scimSource: string | null;
  memberIds: string[];
  /** The same members with their emails, so that a wait can name the people it waits for. */
  members: { memberId: string; email: string }[];
  bindings: DesiredBinding[];
}

/**
 * Credentials a target obtains for itself and keeps in the bridge's database (LangWatch's SCIM
 * token, minted once with the organization API key). Values are secrets: never logged.
 */
export interface TargetSecrets {
  get(name: string): string | null;
  /** Committed at once: a token shown only once must never be lost to a crash. */
  set(name: string, value: string): void;
  delete(name: string): void;
}

/** One call a target made to its application, as the worker records it for the entity's deliveries. */
export interface CallRecord {
  method: string;
  path: string;
  status: number | null;
  ok: boolean;
  detail: string | null;
  startedAt: string;
  durationMs: number;
}

/** The durable memory a target may use while it syncs one entity, and its recorded HTTP client. */
export interface SyncIo<Http> {
  readonly organizationId: string;
  readonly http: Http;
  readonly secrets: TargetSecrets;
  remoteId(entityType: string, localId: string): string | null;
  /** Committed at once, so that a crash right after a create never leads to a second one. */
  saveRemoteId(entityType: string, localId: string, remoteId: string): void;
  forgetRemoteId(entityType: string, localId: string): void;
  /** The local id a remote id is mapped to, if any (so an orphan can be told from a claimed one). */
  localIdOf(entityType: string, remoteId: string): string | null;
  /** What the target last confirmed for this entity, or null if it never did. */
  confirmed(): unknown;
  /** Records that the application was found changed behind the bridge's back, and repaired. */
  drift(detail: string): void;
}

export interface Target<Http> {
  readonly kind: 'embedded' | 'langwatch' | 'langsmith';
  /**
   * Optional: called with the members of one pass before each is synced, so that a target can
   * do in one call what would otherwise be one call per person (LangWatch invites 50 at a time).
   * A failure here is not fatal: each member's own sync runs afterwards and reports its own.
   */
  prepareMembers?(desired: DesiredMember[], io: SyncIo<Http>): Promise<void>;
  syncMember(desired: DesiredMember, io: SyncIo<Http>): Promise<void>;
  syncGroup(desired: DesiredGroup, io: SyncIo<Http>): Promise<void>;
  /**
   * Throws a TargetError when the target cannot be reached or refuses the credentials; returns
   * a note worth showing when they work (e.g. "SCIM token minted on first sync").
   */
  checkCredentials(http: Http, secrets: TargetSecrets): Promise<string | void>;
  /**
   * Optional: the application's teams and projects, so that an admin picks a binding's scope
   * instead of typing its id (the admin API's GET /api/scopes). Throws a TargetError when the
   * application cannot be asked. Absent where the application documents no such list:
   * LangWatch (TARGETS.md §A has no endpoint that lists teams or projects), and the embedded
   * target, whose scope ids are whatever the admin names.
   */
  listScopes?(http: Http, secrets: TargetSecrets): Promise<TargetScope[]>;
}

/** A scope a binding can name, as the application lists it. */
export interface TargetScope {
  scopeType: ScopeType;
  /** What a binding's scopeId holds to mean this scope. */
  scopeId: string;
  /** What an admin knows it by. */
  name: string;
}

/**
 * An organization's target, ready for the worker. The worker sees `Http` as `unknown`: it
 * passes what `http` returns to `target` and never looks inside.
 */
export interface ResolvedTarget<Http = unknown> {
  target: Target<Http>;
  /** Credentials the target keeps for itself in the bridge's database (LangWatch's SCIM token). */
  secrets: TargetSecrets;
  /** A client for one entity's sync; every call it makes is recorded against that entity. */
  http(onCall: (call: CallRecord) => void): Http;
}

/**
 * A target call that failed. `retryable` failures (429, 5xx, timeouts, resets) are retried with
 * backoff; the others (402 plan, seat limit, last admin, a 4xx the application will keep
 * refusing) are parked as needing attention, with the application's own reason.
 */
export class TargetError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    /** From Retry-After, when the application said how long to wait. */
    readonly retryAfterMs: number | null = null,
    /** The application's error code, when it gave one. */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** A wait that is not a failure: the application needs something to happen first (an invite accepted). */
export class NotYet extends TargetError {
  constructor(message: string, retryAfterMs: number) {
    super(message, true, null, retryAfterMs, 'not_yet');
    this.name = 'NotYet';
  }
}
