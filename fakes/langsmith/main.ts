/**
 * `npm run fake:langsmith`: the LangSmith stand-in (TARGETS.md §B) on PORT (default 5570) and
 * HOST (default 127.0.0.1), with one organization ready to use. Stops on SIGINT / SIGTERM.
 *
 * What to know when pointing a client at it:
 * - the printed key is an organization-scoped service key with Organization Admin (§B Keys):
 *   send X-API-Key and X-Organization-Id on every request, and X-Tenant-Id on workspace-scoped
 *   ones (without it they are 403 with this key);
 * - invites stay pending until `POST /_fake/invites/:id/accept` (or `PATCH /_fake/settings
 *   {"autoAcceptInvites":true}`);
 * - `POST /api/v1/workspaces/current/members` takes `{org_identity_id, role_id}`; without
 *   `role_id` (e.g. the docs' sample body) the member gets the default workspace role, "Viewer"
 *   (`PATCH /_fake/settings {"defaultWorkspaceRole":...}` changes it);
 * - organization and workspace identity ids differ;
 * - only the 422 `{detail:[...]}` is documented by LangSmith; the other refusals' statuses and
 *   `{detail: "..."}` bodies are this stand-in's choices.
 */
import { CONTROL_API_USAGE } from './app.js';
import { startLangSmithFake } from './server.js';

const port = Number.parseInt(process.env.PORT ?? '5570', 10);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const fake = await startLangSmithFake({ port, host: process.env.HOST ?? '127.0.0.1' });
const org = fake.organization;
const ws = org.workspaces[0];
const roles = fake.state.rolesOf(fake.state.requireOrg(org.organizationId));
const roleId = (displayName: string) => roles.find((r) => r.display_name === displayName)?.id ?? '';
const headers = `-H 'X-API-Key: ${org.apiKey}' -H 'X-Organization-Id: ${org.organizationId}'`;
const lines = [
  `LangSmith stand-in listening on ${fake.url}  (API under ${fake.url}/api/v1)`,
  '',
  `  organization     ${org.organizationId}  (${org.displayName})   X-Organization-Id`,
  `  API key          ${org.apiKey}   X-API-Key (organization-scoped service key, Organization Admin)`,
  `  admin            ${org.admin.email}  org identity ${org.admin.identityId}, ls_user_id ${org.admin.lsUserId}`,
  ...org.workspaces.map((w) => `  workspace        ${w.id}  (${w.displayName})   X-Tenant-Id`),
  ...roles.map((r) => `  role             ${r.id}  ${r.display_name} (${r.access_scope})`),
  `  settings         seatLimit ${org.settings.seatLimit ?? 'unlimited'}, autoAcceptInvites ${org.settings.autoAcceptInvites}, defaultWorkspaceRole ${org.settings.defaultWorkspaceRole}`,
  '',
  'Try it:',
  `  curl -s ${headers} ${fake.url}/api/v1/orgs/current/members`,
  `  curl -s ${headers} '${fake.url}/api/v1/orgs/current/members/active?limit=50&offset=0&emails=${org.admin.email}'`,
  ...(ws ? [`  curl -s ${headers} -H 'X-Tenant-Id: ${ws.id}' ${fake.url}/api/v1/workspaces/current/members`] : []),
  `  curl -s -X POST ${headers} -H 'Content-Type: application/json' \\`,
  `       -d '{"email":"ada@example.com","role_id":"${roleId('Organization User')}","workspace_ids":[${ws ? `"${ws.id}"` : ''}],"workspace_role_id":"${roleId('Editor')}"}' ${fake.url}/api/v1/orgs/current/members`,
  `  curl -s -X POST ${fake.url}/_fake/invites/<pending id>/accept`,
  ...(ws
    ? [
        `  curl -s -X POST ${headers} -H 'X-Tenant-Id: ${ws.id}' -H 'Content-Type: application/json' \\`,
        `       -d '{"org_identity_id":"<id from /orgs/current/members>","role_id":"${roleId('Editor')}"}' ${fake.url}/api/v1/workspaces/current/members`,
      ]
    : []),
  '',
  'Control API (no auth, never faulted, not counted):',
  ...CONTROL_API_USAGE.map((l) => `  ${l}`),
  '',
  'Faults, e.g.:',
  `  curl -s -X PUT ${fake.url}/_fake/faults -H 'Content-Type: application/json' -d '{"errors":{"next":3,"status":503}}'`,
  `  curl -s -X PUT ${fake.url}/_fake/faults -H 'Content-Type: application/json' -d '{"rateLimit":{"next":2,"retryAfterSeconds":5}}'`,
  `  curl -s -X DELETE ${fake.url}/_fake/faults`,
  '',
  'Ctrl-C to stop.',
];
console.log(lines.join('\n'));

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the LangSmith stand-in`);
  const force = setTimeout(() => process.exit(1), 5_000);
  force.unref();
  fake.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
