/**
 * SCIM `/Groups` (TARGETS.md §A1 "Groups: what the server does" and the PATCH table), following
 * `platform/app/ee/scim/scim-group.service.ts` in langwatch/langwatch. A SCIM group is the very
 * `Group` row REST serves; SCIM POST marks it `scimSource: "scim"`.
 */
import type { Hono } from 'hono';
import { ScimFail } from './errors.js';
import { slugify, type Group, type Organization } from './model.js';
import {
  CORE_GROUP,
  eqFilter,
  excludesMembers,
  GroupRequest,
  listResponse,
  pageSize,
  parseScim,
  PatchRequest,
  positiveInteger,
  readScimJson,
  scimJson,
  type PatchOperation,
  type ScimEnv,
} from './scim-shared.js';
import type { LangWatchState } from './state.js';

/** "absent" and "malformed" both change nothing (TARGETS §A1 PATCH table, "a replace that names members without a usable list"). */
type MemberInstruction = { kind: 'list'; ids: string[] } | { kind: 'malformed' } | { kind: 'absent' };

/** `[{value:"id"},…]` → the string ids; anything else → none. */
function memberIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((m): m is { value: string } => typeof m === 'object' && m !== null && typeof (m as { value?: unknown }).value === 'string')
    .map((m) => m.value);
}

function readMemberList(value: unknown): MemberInstruction {
  if (value === null) return { kind: 'list', ids: [] };
  if (!Array.isArray(value)) return { kind: 'malformed' };
  const ids = memberIds(value);
  // A list only partly understood, or holding a blank id, names nobody reliably: left alone.
  if (ids.length !== value.length || ids.some((id) => id.trim() === '')) return { kind: 'malformed' };
  return { kind: 'list', ids };
}

function requestedMembers(op: PatchOperation): MemberInstruction {
  if (op.path === 'members') return readMemberList(op.value);
  if (!op.path && typeof op.value === 'object' && op.value !== null && 'members' in op.value) {
    return readMemberList((op.value as Record<string, unknown>).members);
  }
  return { kind: 'absent' };
}

export function registerScimGroups(app: Hono<ScimEnv>, state: LangWatchState): void {
  /** TARGETS §A1 "Groups": found by id and organization only, not by scimSource, so REST groups too. */
  const find = (org: Organization, id: string): Group => {
    const g = org.groups.get(id);
    if (!g) throw new ScimFail(404, 'Group not found');
    return g;
  };

  /** TARGETS §A1 "Shapes", Group: members are every membership row; display is email, else name. */
  const view = (g: Group, excludeMembers = false) => ({
    schemas: [CORE_GROUP],
    id: g.id,
    displayName: g.name,
    ...(excludeMembers
      ? {}
      : {
          members: [...g.members.keys()].map((userId) => {
            const u = state.user(userId);
            const display = u?.email ?? u?.name ?? undefined;
            return display === undefined ? { value: userId } : { value: userId, display };
          }),
        }),
    meta: { resourceType: 'Group', created: g.createdAt, lastModified: g.updatedAt },
  });

  /** TARGETS §A1 trap 10: ids that are not members of the organization are skipped silently. */
  const addMembers = (org: Organization, g: Group, ids: string[]) => {
    for (const id of ids) if (org.members.has(id) && !g.members.has(id)) g.members.set(id, state.now());
  };
  const removeMembers = (g: Group, ids: string[]) => {
    for (const id of ids) g.members.delete(id);
  };
  /** Membership set to exactly `ids` (after the organization filter of the adds). */
  const setMembers = (org: Organization, g: Group, ids: string[]) => {
    const wanted = new Set(ids);
    addMembers(
      org,
      g,
      ids.filter((id) => !g.members.has(id)),
    );
    removeMembers(
      g,
      [...g.members.keys()].filter((id) => !wanted.has(id)),
    );
  };
  const rename = (g: Group, name: string) => {
    g.name = name;
    g.updatedAt = state.now();
  };

  const applyPatch = (org: Organization, g: Group, op: PatchOperation) => {
    if (op.op === 'add' && op.path === 'members') {
      addMembers(org, g, memberIds(op.value));
      return;
    }
    if (op.op === 'remove' && op.path?.startsWith('members')) {
      // `members[value eq "id"]` names one id; an `or` filter matches nothing; else the value list.
      const one = /members\[value\s+eq\s+"([^"]+)"\]/.exec(op.path)?.[1];
      removeMembers(g, one ? [one] : memberIds(op.value));
      return;
    }
    // TARGETS §A1 trap 3: add without path "members", and remove of anything else, are 200 no-ops.
    if (op.op !== 'replace') return;
    if (op.path === 'displayName' && typeof op.value === 'string') {
      rename(g, op.value);
      return;
    }
    if (!op.path && typeof op.value === 'object' && op.value !== null) {
      const v = op.value as Record<string, unknown>;
      if (typeof v.displayName === 'string') rename(g, v.displayName);
    }
    // Since 2026-08-18 a replace that names no member list leaves the members alone (TARGETS §A0 "Availability").
    const instruction = requestedMembers(op);
    if (instruction.kind === 'list') setMembers(org, g, instruction.ids);
  };

  // TARGETS §A1 "GET /Groups": only groups with a scimSource, oldest first.
  app.get('/Groups', (c) => {
    const org = c.get('scimOrg');
    const startIndex = positiveInteger(c.req.query('startIndex'), 1);
    const count = pageSize(c.req.query('count'));
    // TARGETS §A1 trap 12: case-insensitive, so several groups may match.
    const wanted = eqFilter('displayName', c.req.query('filter'))?.toLowerCase() ?? null;
    const rows = [...org.groups.values()]
      .filter((g) => g.scimSource !== null && (wanted === null || g.name.toLowerCase() === wanted))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.seq - b.seq);
    const exclude = excludesMembers(c);
    return scimJson(
      c,
      listResponse(
        rows.slice(startIndex - 1, startIndex - 1 + count).map((g) => view(g, exclude)),
        rows.length,
        startIndex,
        count,
      ),
    );
  });

  app.post('/Groups', async (c) => {
    const org = c.get('scimOrg');
    const body = await readScimJson(c);
    if (body === null) throw new ScimFail(400, 'Invalid JSON');
    const req = parseScim(GroupRequest, body);
    // TARGETS §A1 trap 12: 409 only when a SCIM group has exactly this name (case-sensitive).
    if ([...org.groups.values()].some((g) => g.scimSource !== null && g.name === req.displayName)) {
      throw new ScimFail(409, 'A group with this name already exists');
    }
    // A same-named REST group does not conflict: the new one gets the next slug (`name-1`).
    const g = state.createGroupRow(org, {
      name: req.displayName,
      slug: state.uniqueSlug(org, slugify(req.displayName) || 'group', 1),
      scimSource: 'scim',
    });
    addMembers(
      org,
      g,
      (req.members ?? []).map((m) => m.value),
    );
    return scimJson(c, view(g), 201);
  });

  app.get('/Groups/:id', (c) => scimJson(c, view(find(c.get('scimOrg'), c.req.param('id')), excludesMembers(c))));

  // TARGETS §A1 trap 11: PUT sets membership to exactly `members`; leaving it out empties the group.
  app.put('/Groups/:id', async (c) => {
    const org = c.get('scimOrg');
    const g = find(org, c.req.param('id'));
    const body = await readScimJson(c);
    if (body === null) throw new ScimFail(400, 'Invalid JSON');
    const req = parseScim(GroupRequest, body);
    // A rename is not checked for duplicates; bindings are untouched.
    if (req.displayName !== g.name) rename(g, req.displayName);
    setMembers(
      org,
      g,
      (req.members ?? []).map((m) => m.value),
    );
    return scimJson(c, view(g));
  });

  app.patch('/Groups/:id', async (c) => {
    const org = c.get('scimOrg');
    const g = find(org, c.req.param('id'));
    const body = await readScimJson(c);
    if (body === null) throw new ScimFail(400, 'Invalid JSON');
    const { Operations } = parseScim(PatchRequest, body);
    for (const op of Operations) applyPatch(org, g, op);
    // TARGETS §A1 "Endpoints": PATCH answers the group with all its members.
    return scimJson(c, view(g));
  });

  // TARGETS §A1 "Groups", DELETE: bindings, memberships and the group go; people keep their membership.
  app.delete('/Groups/:id', (c) => {
    const org = c.get('scimOrg');
    const g = find(org, c.req.param('id'));
    org.groups.delete(g.id);
    return c.body(null, 204);
  });
}
