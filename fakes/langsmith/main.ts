/**
 * `npm run fake:langsmith`: the LangSmith stand-in on PORT (default 5570) and HOST (default
 * 127.0.0.1), with one organization ready to use. Stops on SIGINT / SIGTERM.
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
const headers = `-H 'X-API-Key: ${org.apiKey}' -H 'X-Organization-Id: ${org.organizationId}'`;
const lines = [
  `LangSmith stand-in listening on ${fake.url}  (API under ${fake.url}/api/v1)`,
  '',
  `  organization     ${org.organizationId}  (${org.displayName})   X-Organization-Id`,
  `  API key          ${org.apiKey}   X-API-Key (an Organization Admin's personal token)`,
  `  admin            ${org.admin.email}  identity ${org.admin.identityId}, user_id ${org.admin.userId}`,
  ...org.workspaces.map((w) => `  workspace        ${w.id}  (${w.displayName})   X-Tenant-Id`),
  ...roles.map((r) => `  role             ${r.id}  ${r.display_name} (${r.access_scope})`),
  `  settings         seatLimit ${org.settings.seatLimit ?? 'unlimited'}, autoAcceptInvites ${org.settings.autoAcceptInvites}`,
  '',
  'Try it:',
  `  curl -s ${headers} ${fake.url}/api/v1/orgs/current/members`,
  ...(ws ? [`  curl -s ${headers} -H 'X-Tenant-Id: ${ws.id}' ${fake.url}/api/v1/workspaces/current/members`] : []),
  `  curl -s -X POST ${headers} -H 'Content-Type: application/json' \\`,
  `       -d '{"email":"ada@example.com","role_id":"${roles.find((r) => r.name === 'ORGANIZATION_USER')?.id ?? ''}","workspace_ids":[${ws ? `"${ws.id}"` : ''}],"workspace_role_id":"${roles.find((r) => r.name === 'WORKSPACE_VIEWER')?.id ?? ''}"}' ${fake.url}/api/v1/orgs/current/members`,
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
