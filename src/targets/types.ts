/**
 * What a target (an application the bridge provisions) is given, and what it must do. The
 * worker computes the desired state of one member or group from SQLite; the target makes the
 * application match it and returns what it confirmed. Targets are the only places that know a
 * vendor's API.
 */
import type { BindingRole, OrgRole, ScopeType } from '../directory/access/types.js';
import type { TargetHttp } from './http.js';

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

/** The durable memory a target may use while it syncs one entity. */
export interface SyncIo {
  readonly organizationId: string;
  readonly http: TargetHttp;
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

export interface Target {
  readonly kind: 'embedded' | 'langwatch' | 'langsmith';
  /**
   * Optional: called with the members of one pass before each is synced, so that a target can
   * do in one call what would otherwise be one call per person (LangWatch invites 50 at a time).
   * A failure here is not fatal: each member's own sync runs afterwards and reports its own.
   */
  prepareMembers?(desired: DesiredMember[], io: SyncIo): Promise<void>;
  syncMember(desired: DesiredMember, io: SyncIo): Promise<void>;
  syncGroup(desired: DesiredGroup, io: SyncIo): Promise<void>;
  /**
   * Throws a TargetError when the target cannot be reached or refuses the credentials; returns
   * a note worth showing when they work (e.g. "SCIM token minted on first sync").
   */
  checkCredentials(http: TargetHttp, secrets: TargetSecrets): Promise<string | void>;
}
