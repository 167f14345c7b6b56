/**
 * `/api/organization/invites…` (TARGETS.md §A3, invites table), after `InviteService`
 * (`platform/app/src/server/invites/invite.service.ts`) in strict validation, as the REST
 * family calls it: all or nothing, teams required, 48 h expiry, pending until a browser accepts.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { LwError } from './errors.js';
import { BINDING_ROLES, hex, INVITE_EXPIRATION_MS, newId, ORG_ROLES, type Invite, type Organization, type TeamGrant } from './model.js';
import { body, type Guard, type RestEnv } from './rest.js';
import type { LangWatchState } from './state.js';

export const MAX_INVITES = 50;
/** TARGETS §A3 "POST /invites": 1..50 invites, each with at least one team (`teams:[]` is 422). */
const CreateInvites = z.object({
  invites: z
    .array(
      z.object({
        email: z.string().trim().min(1).pipe(z.email()),
        role: z.enum(ORG_ROLES),
        teams: z
          .array(z.object({ teamId: z.string().min(1), role: z.enum(BINDING_ROLES), customRoleId: z.string().min(1).optional() }))
          .min(1),
      }),
    )
    .min(1)
    .max(MAX_INVITES),
});

export function registerInvites(app: Hono<RestEnv>, state: LangWatchState, guard: Guard, publicUrl: string | undefined): void {
  /** `buildInviteAcceptUrl`: `${BASE_HOST}/invite/accept?inviteCode=…`. */
  const view = (c: Context, inv: Invite) => {
    const base = (publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
    return {
      id: inv.id,
      email: inv.email,
      role: inv.role,
      status: inv.status,
      expiration: inv.expiration,
      inviteCode: inv.inviteCode,
      inviteUrl: `${base}/invite/accept?inviteCode=${encodeURIComponent(inv.inviteCode)}`,
      teams: inv.teams.map((t) => ({ teamId: t.teamId, role: t.role, customRoleId: t.customRoleId })),
      createdAt: inv.createdAt,
    };
  };
  const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

  // TARGETS §A3 "GET /invites" (manage): `{invites:[…]}`, only pending and unexpired, newest first.
  app.get('/invites', ...guard('organization:manage'), (c) => {
    const invites = state.liveInvites(c.get('org')).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return c.json({ invites: invites.map((i) => view(c, i)) });
  });

  app.post('/invites', ...guard('organization:manage'), async (c) => {
    const org = c.get('org');
    const { invites } = await body(c, 'organization', CreateInvites);

    // 1. An address that already belongs to a member (case-insensitive): 409 with the stored address.
    for (const inv of invites) {
      const hit = [...org.members.keys()].map((id) => state.user(id)).find((u) => u?.email != null && sameAddress(u.email, inv.email));
      if (hit)
        throw new LwError(409, 'already_organization_member', 'This person is already a member of the organization', {
          email: hit.email ?? '',
        });
    }
    // 2. Seats: active members and live invites, plus the batch (`checkLicenseLimits`).
    const limit = org.settings.seatLimit;
    const used = state.seatsUsed(org);
    if (limit !== null && used + invites.length > limit) {
      throw new LwError(403, 'member_seat_limit_reached', "The plan's member seats are all in use", {
        limitType: 'members',
        current: used,
        max: limit,
      });
    }
    // 3. Teams and custom roles, strictly: a bad one refuses the batch rather than granting less.
    const prepared = invites.map((inv) => ({ email: inv.email, role: inv.role, teams: resolveTeams(org, inv.teams) }));
    // 4. Written one by one in a transaction: a live invite for the address, earlier in this batch
    //    included, is 409 `duplicate_invite` and nothing of the batch stays.
    const written: Invite[] = [];
    const live = state.liveInvites(org);
    for (const p of prepared) {
      if ([...live, ...written].some((i) => sameAddress(i.email, p.email))) {
        throw new LwError(409, 'duplicate_invite', `An active invitation for ${p.email} already exists`, { email: p.email });
      }
      const createdAt = state.now();
      written.push({
        id: newId('invite'),
        // Stored trimmed, not lowercased.
        email: p.email,
        role: p.role,
        status: 'PENDING',
        inviteCode: hex(16),
        teams: p.teams,
        createdAt,
        expiration: new Date(Date.parse(createdAt) + INVITE_EXPIRATION_MS).toISOString(),
      });
    }
    for (const inv of written) org.invites.set(inv.id, inv);
    const answer = { invites: written.map((inv) => ({ ...view(c, inv), emailNotSent: true })) };
    // The stand-in has no email provider, so `emailNotSent` is true; `autoAcceptInvites` plays the browser.
    if (org.settings.autoAcceptInvites) for (const inv of written) state.acceptInvite(org, inv);
    return c.json(answer, 201);
  });

  // TARGETS §A3 "DELETE /invites/{id}": 404 `invite_not_found` for another organization's or a revoked one.
  app.delete('/invites/:id', ...guard('organization:manage'), (c) => {
    if (!c.get('org').invites.delete(c.req.param('id'))) throw new LwError(404, 'invite_not_found', 'Invitation not found');
    return c.json({ success: true });
  });
}

/** `resolveExplicitInviteTeams` in strict mode. */
function resolveTeams(
  org: Organization,
  teams: { teamId: string; role: TeamGrant['role']; customRoleId?: string | undefined }[],
): TeamGrant[] {
  const badTeam = teams.find((t) => !org.teams.some((x) => x.id === t.teamId));
  if (badTeam)
    throw new LwError(422, 'team_not_in_organization', 'That team does not belong to this organization', { teamId: badTeam.teamId });
  const grants = teams.map((t) => ({
    teamId: t.teamId,
    role: t.role,
    customRoleId: t.role === 'CUSTOM' ? (t.customRoleId ?? null) : null,
  }));
  if (grants.some((g) => g.role === 'CUSTOM' && !g.customRoleId))
    throw new LwError(422, 'custom_role_id_required', 'A CUSTOM role binding needs a customRoleId');
  const badRole = grants.find((g) => g.customRoleId !== null && !org.customRoles.some((r) => r.id === g.customRoleId));
  if (badRole)
    throw new LwError(422, 'custom_role_not_assignable', 'That custom role cannot be assigned here', {
      customRoleId: badRole.customRoleId,
    });
  return grants;
}
