/**
 * Every skip and adaptation applied to Microsoft's SCIMReferenceCode Postman collection
 * (../shared/scim-suites/azuread-scimreferencecode/PostmanCollection.json) before newman runs it,
 * in ONE place, each with the request it touches and the reason.
 *
 * The rule: an assertion that reflects what Microsoft Entra ID really sends or expects runs
 * unchanged and must pass. Only reference-implementation specifics (its dev token endpoint, its
 * own route names, its preferences where Entra's validator disagrees, its "garbage" inputs that
 * no IdP sends) are adapted or skipped, and an adaptation keeps the assertion's intent.
 *
 * `applyAdaptations` fails loudly when an entry no longer matches the collection (a request
 * renamed, a script changed), so this list cannot silently go stale.
 */

export type PostmanAdaptation = {
  /** Folder name, or null for a request at the collection root. */
  folder: string | null;
  /** Request name as shown in Postman. */
  request: string;
  /** 1-based, when the same folder holds several requests with this name. */
  occurrence?: number;
  reason: string;
} & (
  | { action: 'skip-request' }
  | { action: 'skip-assertion'; assertion: string }
  | { action: 'rewrite-url' | 'rewrite-test' | 'rewrite-body'; find: string; replace: string }
);

export const POSTMAN_ADAPTATIONS: PostmanAdaptation[] = [
  {
    folder: 'Get Token',
    request: 'Get Token',
    action: 'skip-request',
    reason:
      "GET {Api}/Token is the reference code's development JWT issuer. Entra sends a long-lived " +
      'secret token configured out of band; ours come from BRIDGE_CONNECTIONS. Its test script ' +
      'would also overwrite the `token` variable with `undefined` when the route is absent.',
  },
  {
    folder: 'Endpoint tests',
    request: 'Get ServiceProviderConfig',
    action: 'rewrite-url',
    find: '/serviceConfiguration',
    replace: '/ServiceProviderConfig',
    reason:
      '`/serviceConfiguration` is a route of the reference code only; RFC 7644 §4 names the ' +
      'endpoint `/ServiceProviderConfig`. Its assertions (200, patch.supported true) run unchanged.',
  },
  {
    folder: 'Group tests',
    request: 'Get group by id',
    occurrence: 1,
    action: 'rewrite-test',
    find: 'to.include("new User")',
    replace: 'to.include(pm.environment.get("id4"))',
    reason:
      'The check looks for "new User", a non-standard `displayName` sub-attribute the collection sent ' +
      'inside a member value, echoed back by the reference code. A member’s `display` is derived from ' +
      'the member resource, and Entra sends members as `{"value": id}` only. Intent kept: the body ' +
      'must list user4, the member just added.',
  },
  {
    folder: 'Group tests',
    request: 'Get group by id',
    occurrence: 2,
    action: 'rewrite-test',
    find: 'to.not.include("new User")',
    replace: 'to.not.include(pm.environment.get("id4"))',
    reason:
      'Same as the first "Get group by id": after "Patch remove all users" the body must no longer list ' +
      'user4 (checking for the echoed "new User" text would pass vacuously).',
  },
  {
    folder: 'ComplexAttribute tests',
    request: 'Get user attributes',
    action: 'rewrite-url',
    find: 'attributes=emails%5Btype+eq+%22work%22%5D',
    replace: 'attributes=emails',
    reason:
      '`attributes=emails[type eq "work"]` puts a filter where RFC 7644 §3.4.2.5 allows only attribute ' +
      'names; only the reference code reads it. Entra never sends it. Adapted to the valid ' +
      '`attributes=emails`; the assertions (200, body lists user1’s email) run unchanged.',
  },
  {
    folder: 'ComplexAttribute tests',
    request: 'Get user via attributes filter',
    action: 'rewrite-url',
    find: 'attributes=emails%5Bvalue+eq+%22emailName357%22%5D',
    replace: 'filter=emails%5Bvalue+eq+%22emailName357%22%5D',
    reason:
      'As its name says, this request filters users by an email value, but through `attributes=`, which ' +
      'RFC 7644 §3.4.2.5 reserves for attribute names. Adapted to the RFC form ' +
      '`filter=emails[value eq "emailName357"]`; the assertions (200, body lists the email) run unchanged.',
  },
  {
    folder: 'User tests with garbage',
    request: 'Patch user omalley new username',
    action: 'rewrite-test',
    find: 'pm.response.to.have.status(204)',
    replace: 'pm.response.to.have.status(200)',
    reason:
      'User PATCH answers 200 with the full resource: the doc example shows 200 and Microsoft’s SCIM ' +
      'Validator expects a body (IDP-BEHAVIOUR §0.5, §1.5; jelhub/scimgateway#89). The collection ' +
      'expects 204; the status assertion is adapted, the follow-up GET checks the change unchanged.',
  },
  {
    folder: 'User tests with garbage',
    request: 'patch user omalley active with boolean',
    action: 'rewrite-test',
    find: 'pm.response.to.have.status(204)',
    replace: 'pm.response.to.have.status(200)',
    reason: 'Same as "Patch user omalley new username": user PATCH answers 200 with the resource, not 204.',
  },
  {
    folder: 'Group tests with garbage',
    request: 'Group patch add member',
    action: 'rewrite-test',
    find: 'pm.response.to.have.status(204)',
    replace: 'pm.response.to.have.status(400)',
    reason:
      'Adds `"value": "string id 1"`: a bare string instead of a list of member objects, naming no ' +
      'resource. No IdP sends this (Entra adds only members it provisioned, as [{"value": id}]). The ' +
      'bridge refuses it precisely with 400 invalidValue (RFC 7644 §3.12) rather than storing a ' +
      'dangling member, so the assertion expects 400 instead of the reference code’s 204.',
  },
  {
    folder: 'Group tests with garbage',
    request: 'Group patch add member2',
    action: 'rewrite-test',
    find: 'pm.response.to.have.status(204)',
    replace: 'pm.response.to.have.status(400)',
    reason: 'Same as "Group patch add member" ("string id 2").',
  },
];

// ---------------------------------------------------------------------------------------------

interface PostmanEvent {
  listen: string;
  script?: { exec?: string[] | string };
}

interface PostmanUrl {
  raw?: string;
  protocol?: string;
  host?: string[] | string;
  port?: string;
  path?: string[] | string;
  query?: { key: string | null; value: string | null; disabled?: boolean }[];
}

interface PostmanItem {
  id?: string;
  name: string;
  item?: PostmanItem[];
  event?: PostmanEvent[];
  request?: {
    url?: string | PostmanUrl;
    body?: { raw?: string };
  };
}

/**
 * The URL newman really sends. For a URL object the Postman SDK builds it from the parsed parts
 * (protocol, host, path, query) and ignores `raw`, which can differ: "Get empty Users" shows
 * `/Users` in `raw` but its path part is `users`.
 */
export function effectiveUrl(url: string | PostmanUrl | undefined): string {
  if (url === undefined) return '';
  if (typeof url === 'string') return url;
  const host = Array.isArray(url.host) ? url.host.join('.') : (url.host ?? '');
  const path = Array.isArray(url.path) ? url.path.join('/') : (url.path ?? '');
  const query = (url.query ?? [])
    .filter((q) => !q.disabled)
    .map((q) => (q.value === null ? (q.key ?? '') : `${q.key ?? ''}=${q.value}`))
    .join('&');
  return `${url.protocol ? `${url.protocol}://` : ''}${host}${url.port ? `:${url.port}` : ''}/${path}${query ? `?${query}` : ''}`;
}

export interface FlatRequest {
  /** Stable id we assign (`req-01`...) so newman's executions can be matched back. */
  id: string;
  folder: string | null;
  name: string;
  occurrence: number;
  /** `pm.test("...")` names in the request's test script, in order. */
  tests: string[];
  skipped?: string;
}

export interface AppliedAdaptations {
  collection: { item: PostmanItem[] } & Record<string, unknown>;
  requests: FlatRequest[];
  /** Assertions not run: every test of a skipped request, plus each skipped assertion. */
  skippedAssertions: { request: string; assertion: string; reason: string }[];
  /** One line per adaptation, for the run's log. */
  log: string[];
}

const TEST_NAME_RE = /pm\.test(?:\.skip)?\(\s*(["'])((?:\\.|(?!\1).)*)\1/g;

function scriptText(event: PostmanEvent | undefined): string {
  const exec = event?.script?.exec;
  return Array.isArray(exec) ? exec.join('\n') : (exec ?? '');
}

function testNames(item: PostmanItem): string[] {
  const test = item.event?.find((e) => e.listen === 'test');
  return [...scriptText(test).matchAll(TEST_NAME_RE)].map((m) => m[2] as string);
}

function label(r: { folder: string | null; name: string; occurrence: number }, total: number): string {
  return `${r.folder ?? '(root)'} / ${r.name}${total > 1 ? ` (#${r.occurrence})` : ''}`;
}

/** Deep-copies the collection, gives every request an id, and applies POSTMAN_ADAPTATIONS. */
export function applyAdaptations(source: unknown, adaptations: readonly PostmanAdaptation[] = POSTMAN_ADAPTATIONS): AppliedAdaptations {
  const collection = structuredClone(source) as AppliedAdaptations['collection'];
  const entries: { folder: string | null; item: PostmanItem; parent: PostmanItem[]; occurrence: number }[] = [];
  const seen = new Map<string, number>();
  const walk = (items: PostmanItem[], folder: string | null) => {
    for (const item of items) {
      if (item.item) {
        walk(item.item, item.name);
        continue;
      }
      const key = `${folder ?? ''}\u0000${item.name}`;
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      entries.push({ folder, item, parent: items, occurrence });
    }
  };
  walk(collection.item, null);
  entries.forEach((e, i) => {
    e.item.id = `req-${String(i + 1).padStart(2, '0')}`;
  });

  const requests: FlatRequest[] = entries.map((e) => ({
    id: e.item.id as string,
    folder: e.folder,
    name: e.item.name,
    occurrence: e.occurrence,
    tests: testNames(e.item),
  }));
  const totalOf = (folder: string | null, name: string) => entries.filter((e) => e.folder === folder && e.item.name === name).length;

  const skippedAssertions: AppliedAdaptations['skippedAssertions'] = [];
  const log: string[] = [];
  const toRemove: typeof entries = [];

  for (const a of adaptations) {
    const matches = entries.filter(
      (e) => e.folder === a.folder && e.item.name === a.request && (a.occurrence === undefined || e.occurrence === a.occurrence),
    );
    if (matches.length !== 1) {
      throw new Error(
        `postman-skips: ${a.folder ?? '(root)'} / ${a.request}${a.occurrence ? ` #${a.occurrence}` : ''} matches ${matches.length} requests, expected exactly 1`,
      );
    }
    const entry = matches[0]!;
    const request = requests.find((r) => r.id === entry.item.id)!;
    const where = label(request, totalOf(entry.folder, entry.item.name));

    switch (a.action) {
      case 'skip-request': {
        request.skipped = a.reason;
        toRemove.push(entry);
        for (const t of request.tests) skippedAssertions.push({ request: where, assertion: t, reason: a.reason });
        log.push(`skip request ${where}: ${a.reason}`);
        break;
      }
      case 'skip-assertion': {
        const test = entry.item.event?.find((e) => e.listen === 'test');
        const exec = test?.script?.exec;
        const lines = Array.isArray(exec) ? exec : typeof exec === 'string' ? [exec] : [];
        let hits = 0;
        const rewritten = lines.map((line) =>
          line.replace(/pm\.test\(\s*(["'])((?:\\.|(?!\1).)*)\1/g, (whole, _q: string, name: string) => {
            if (name !== a.assertion) return whole;
            hits++;
            return whole.replace('pm.test(', 'pm.test.skip(');
          }),
        );
        if (hits !== 1 || !test?.script) {
          throw new Error(`postman-skips: assertion ${JSON.stringify(a.assertion)} found ${hits} times in ${where}`);
        }
        test.script.exec = rewritten;
        skippedAssertions.push({ request: where, assertion: a.assertion, reason: a.reason });
        log.push(`skip assertion ${where} › ${a.assertion}: ${a.reason}`);
        break;
      }
      case 'rewrite-url': {
        const url = effectiveUrl(entry.item.request?.url);
        if (!url.includes(a.find)) throw new Error(`postman-skips: ${JSON.stringify(a.find)} not in the URL of ${where} (${url})`);
        entry.item.request!.url = url.replace(a.find, a.replace);
        log.push(`adapt URL of ${where}: ${a.find} → ${a.replace}: ${a.reason}`);
        break;
      }
      case 'rewrite-test': {
        const test = entry.item.event?.find((e) => e.listen === 'test');
        const text = scriptText(test);
        if (!test?.script || !text.includes(a.find)) {
          throw new Error(`postman-skips: ${JSON.stringify(a.find)} not in the test script of ${where}`);
        }
        test.script.exec = text.split(a.find).join(a.replace).split('\n');
        log.push(`adapt test of ${where}: ${a.find} → ${a.replace}: ${a.reason}`);
        break;
      }
      case 'rewrite-body': {
        const body = entry.item.request?.body;
        if (!body?.raw?.includes(a.find)) throw new Error(`postman-skips: ${JSON.stringify(a.find)} not in the body of ${where}`);
        body.raw = body.raw.split(a.find).join(a.replace);
        log.push(`adapt body of ${where}: ${a.find} → ${a.replace}: ${a.reason}`);
        break;
      }
    }
  }

  for (const e of toRemove) e.parent.splice(e.parent.indexOf(e.item), 1);
  return { collection, requests, skippedAssertions, log };
}

/** The display label of a request (folder / name, with #n for repeated names). */
export function requestLabel(requests: readonly FlatRequest[], r: FlatRequest): string {
  return label(r, requests.filter((o) => o.folder === r.folder && o.name === r.name).length);
}
