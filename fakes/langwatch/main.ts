/**
 * `npm run fake:langwatch`: the LangWatch stand-in on PORT (default 5560) and HOST (default
 * 127.0.0.1), with one organization ready to use (API keys and a SCIM token printed).
 * Stops on SIGINT / SIGTERM.
 */
import { CONTROL_API_USAGE } from './app.js';
import { startLangWatchFake } from './server.js';

const port = Number.parseInt(process.env.PORT ?? '5560', 10);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const fake = await startLangWatchFake({ port, host: process.env.HOST ?? '127.0.0.1' });
const org = fake.organization;
const team = org.teams[0];
// A SCIM token to try the SCIM server with (a reset drops it; mint another over REST or the control API).
const { token: scimToken } = fake.state.createScimToken(fake.state.org(org.organizationId), 'npm run fake:langwatch');
const lines = [
  `LangWatch stand-in listening on ${fake.url}`,
  '',
  `  organization   ${org.organizationId}  (${org.name})`,
  `  API key        ${org.apiKey}   (organization:manage, a service key)`,
  `  view key       ${org.viewApiKey}   (organization:view)`,
  `  SCIM token     ${scimToken}`,
  `  admin          ${org.admin.email}  userId ${org.admin.userId}`,
  ...(team
    ? [
        `  team           ${team.id}  (${team.name})${team.projects[0] ? `, project ${team.projects[0].id} (${team.projects[0].name})` : ''}`,
      ]
    : []),
  ...org.customRoles.map((r) => `  custom role    ${r.id}  (${r.name})`),
  `  settings       seatLimit ${org.settings.seatLimit ?? 'unlimited'}, plan ${org.settings.plan ? 'on' : 'off'}, autoAcceptInvites ${org.settings.autoAcceptInvites}`,
  '',
  'APIs (TARGETS.md §A): /api/scim/v2 (SCIM token), /api/scim-tokens, /api/groups, /api/organization/{members,invites}',
  '  (the last two also at /api/organization/2026-08-07/... and /latest/...)',
  '',
  'Try it:',
  `  curl -s -H 'Authorization: Bearer ${scimToken}' '${fake.url}/api/scim/v2/Users?filter=userName%20eq%20%22${encodeURIComponent(org.admin.email)}%22'`,
  `  curl -s -X POST -H 'Authorization: Bearer ${scimToken}' -H 'Content-Type: application/scim+json' \\`,
  `       -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ana@example.com","name":{"givenName":"Ana","familyName":"Lima"}}' ${fake.url}/api/scim/v2/Users`,
  `  curl -s -H 'Authorization: Bearer ${org.apiKey}' '${fake.url}/api/organization/members?limit=200'`,
  `  curl -s -X POST -H 'Authorization: Bearer ${org.apiKey}' -H 'Content-Type: application/json' \\`,
  `       -d '{"name":"Engineers","bindings":[{"role":"MEMBER","scopeType":"ORGANIZATION","scopeId":"${org.organizationId}"}]}' ${fake.url}/api/groups`,
  '',
  'Control API (no auth, never faulted, not counted):',
  ...CONTROL_API_USAGE.map((l) => `  ${l}`),
  '',
  "Faults (answered in each family's own error shape), e.g.:",
  `  curl -s -X PUT ${fake.url}/_fake/faults -H 'Content-Type: application/json' -d '{"errors":{"next":3,"status":503}}'`,
  `  curl -s -X PUT ${fake.url}/_fake/faults -H 'Content-Type: application/json' -d '{"rateLimit":{"forMs":10000}}'`,
  `  curl -s -X PUT ${fake.url}/_fake/faults -H 'Content-Type: application/json' -d '{"latency":{"minMs":100,"maxMs":800},"resets":{"rate":0.05}}'`,
  `  curl -s -X DELETE ${fake.url}/_fake/faults`,
  '',
  'Ctrl-C to stop.',
];
console.log(lines.join('\n'));

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the LangWatch stand-in`);
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
