/**
 * What the console reads from the bridge, as JSON. The access model's shapes are the admin API's
 * own (src/directory/access/types.ts, which the route schemas are checked against), imported as
 * types only, so a change there fails this code's type check instead of breaking a page. The
 * others mirror the route schemas of src/api/admin/ and /readyz.
 */
import type { LogActor, LogSummary } from '../../store/sync-log.repo.js';
export type {
  AccessReport,
  AccessSource,
  Binding,
  BindingRole,
  GroupDetail,
  GroupMember,
  GroupSummary,
  MemberDetail,
  MemberSummary,
  OrgRole,
  Page,
  ScopeType,
} from '../../directory/access/types.js';
/** The roles and scopes the admin API takes (values: a few constants, bundled with the console). */
export { BINDING_ROLES, ORG_ROLES, SCOPE_TYPES } from '../../directory/access/types.js';

export type EntityType = 'member' | 'group';

export interface Session {
  organizationId: string;
  scopes: string[];
  expiresAt: string;
}

// The sync log's shapes are the store's own (types only: nothing of the store reaches the bundle).
export type { LogActor, LogSummary };

export interface LogEntry {
  id: number;
  at: string;
  source: string | null;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  action: string;
  status: number;
  scimType: string | null;
  outcome: 'success' | 'failed';
  durationMs: number | null;
  userAgent: string | null;
  requestId: string;
  summary: LogSummary | null;
  downstream: 'pending' | 'done';
  /** `scim`: what an IdP sent; `admin`: what an admin did (API, console, CLI). Absent on an older bridge. */
  kind?: 'scim' | 'admin';
  /** On a refusal: what the client was told. */
  detail?: string | null;
  /** On a refused admin action: its error code. */
  errorCode?: string | null;
  /** What the entry is about in words: a userName, displayName, group name, member email. */
  resourceName?: string | null;
  actor?: LogActor | null;
  /** For a request refused for authentication: the peer address, and X-Forwarded-For as received. */
  clientIp?: string | null;
  forwardedFor?: string | null;
}

export interface LogPage {
  data: LogEntry[];
  nextCursor: number | null;
}

export interface DeliveryCall {
  id?: number;
  entityType: EntityType;
  entityId: string;
  label?: string | null;
  method: string;
  path: string;
  status: number | null;
  outcome: 'ok' | 'retry' | 'parked' | 'drift';
  detail: string | null;
  startedAt: string;
  durationMs: number | null;
}

export interface LogEntryDetail extends LogEntry {
  deliveries?: DeliveryCall[];
}

export type MarkState = 'pending' | 'retrying' | 'parked' | 'awaiting_approval';

/** A member or group that the application has not confirmed yet: a "needs sync" mark. */
export interface PendingDelivery {
  entityType: EntityType;
  entityId: string;
  label: string | null;
  state: MarkState;
  attempts: number;
  nextAttemptAt: string;
  markedAt: string;
  lastError: string | null;
}

export interface Deliveries {
  target: {
    kind: 'embedded' | 'langwatch' | 'langsmith';
    url: string | null;
    lastSuccessAt: string | null;
    lastFailureAt: string | null;
    lastError: string | null;
  };
  reconcile: {
    phase: EntityType | null;
    total: number;
    done: number;
    startedAt: string | null;
    finishedAt: string | null;
  } | null;
  pending: PendingDelivery[];
  recent: DeliveryCall[];
}

export interface Connection {
  id: string;
  source: string;
  createdAt: string;
  lastUsedAt: string | null;
  liveTokens?: number;
}

export interface Readiness {
  status?: 'ok' | 'warn' | 'fail';
  checks?: { name: string; status: string; detail?: string; fix?: string }[];
}
