/**
 * The Invites API (TARGETS.md §A). In the embedded model an invite makes the member at once;
 * the batch is all or nothing.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import * as members from '../../directory/access/members.service.js';
import type { AppEnv } from '../env.js';
import { audited } from './audit.js';
import { adminContext, requireScope } from './auth.js';
import { OrgRoleSchema, TeamGrantInputSchema, TeamGrantSchema, bodyOf, errorResponses, json } from './schemas.js';
import { adminApp, requireJson } from './validation.js';

export const MAX_INVITES = 50;
const MAX_TEAMS_PER_INVITE = 100;

const InviteInputSchema = z
  .object({
    email: z
      .string()
      .trim()
      .pipe(z.email('must be a valid email address').max(254, 'must be at most 254 characters'))
      .openapi({ example: 'ada@example.com' }),
    role: OrgRoleSchema,
    teams: z
      .array(TeamGrantInputSchema)
      .max(MAX_TEAMS_PER_INVITE, `must hold at most ${MAX_TEAMS_PER_INVITE} teams`)
      .optional()
      .openapi({ description: 'Teams to grant at once (direct grants in the embedded model).' }),
  })
  .openapi('InviteInput');

const InviteSchema = z
  .object({
    id: z.string().openapi({ description: "The new member's user id." }),
    email: z.string(),
    role: OrgRoleSchema,
    inviteCode: z.string(),
    inviteUrl: z.string().nullable(),
    emailNotSent: z.boolean().openapi({ description: 'Always true in the embedded model: no email is sent.' }),
    teams: z.array(TeamGrantSchema),
  })
  .openapi('Invite');

const createInvites = createRoute({
  method: 'post',
  path: '/api/organization/invites',
  tags: ['Members'],
  summary: `Invite 1 to ${MAX_INVITES} people in one all-or-nothing batch`,
  middleware: [requireScope('organization:manage'), requireJson],
  request: {
    body: bodyOf(
      z
        .object({
          invites: z
            .array(InviteInputSchema)
            .min(1, 'must hold at least one invite')
            .max(MAX_INVITES, `must hold at most ${MAX_INVITES} invites in one batch`),
        })
        .openapi('CreateInvites'),
    ),
  },
  responses: {
    201: json(z.object({ invites: z.array(InviteSchema) }), 'The invites (each already a member)'),
    ...errorResponses(400, 401, 403, 409),
  },
});

export function invitesRoutes(): OpenAPIHono<AppEnv> {
  const app = adminApp();
  app.openapi(createInvites, (c) => {
    const { invites } = c.req.valid('json');
    // The log names who was invited and with which role; never the invite codes.
    const created = audited(
      c,
      201,
      () => members.createInvites(adminContext(c), invites),
      (r) => ({
        resourceId: r.invites.length === 1 ? r.invites[0]!.id : null,
        resourceName: invites.map((i) => i.email).join(', '),
        summary: { invited: invites.map((i) => i.email), change: { roles: [...new Set(invites.map((i) => i.role))].join(',') } },
      }),
    );
    return c.json(created, 201);
  });
  return app;
}
