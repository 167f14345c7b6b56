import type { StoredResource } from './normalize.js';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, USER_SCHEMA, type ResourceKind } from './schema-defs.js';

/** What the protocol layer needs to know about a stored resource besides its attributes. */
export interface ResourceState {
  id: string;
  resource: StoredResource;
  version: number;
  createdAt: string;
  lastModified: string;
}

export interface MemberView {
  value: string;
  type: 'User' | 'Group';
  display: string | null;
}

/** RFC 7644 §3.14: a weak ETag, since equal versions are semantically, not byte-, equal. */
export function etag(version: number): string {
  return `W/"${version}"`;
}

export function location(baseUrl: string, kind: ResourceKind, id: string): string {
  return `${baseUrl}/${kind === 'User' ? 'Users' : 'Groups'}/${encodeURIComponent(id)}`;
}

function meta(kind: ResourceKind, s: ResourceState, baseUrl: string) {
  return {
    resourceType: kind,
    created: s.createdAt,
    lastModified: s.lastModified,
    location: location(baseUrl, kind, s.id),
    version: etag(s.version),
  };
}

/** The client representation of a user: schemas, id, the stored attributes, groups, meta. */
export function renderUser(
  s: ResourceState,
  groups: { value: string; display: string }[] | undefined,
  baseUrl: string,
): Record<string, unknown> {
  const schemas = [USER_SCHEMA];
  if (s.resource[ENTERPRISE_SCHEMA] !== undefined) schemas.push(ENTERPRISE_SCHEMA);
  const out: Record<string, unknown> = { schemas, id: s.id, ...s.resource };
  if (groups && groups.length > 0) {
    out.groups = groups.map((g) => ({
      value: g.value,
      $ref: location(baseUrl, 'Group', g.value),
      display: g.display,
      type: 'direct',
    }));
  }
  out.meta = meta('User', s, baseUrl);
  return out;
}

export function renderGroup(s: ResourceState, members: MemberView[] | undefined, baseUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = { schemas: [GROUP_SCHEMA], id: s.id, ...s.resource };
  if (members) {
    out.members = members.map((m) => {
      const el: Record<string, unknown> = { value: m.value, $ref: location(baseUrl, m.type, m.value), type: m.type };
      if (m.display !== null) el.display = m.display;
      return el;
    });
  }
  out.meta = meta('Group', s, baseUrl);
  return out;
}

/** RFC 7644 §3.4.2: numbers stay numbers; startIndex is echoed as the 1-based index used. */
export function listResponse(resources: unknown[], totalResults: number, startIndex: number) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
