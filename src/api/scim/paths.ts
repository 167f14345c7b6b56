import { getPathNoStrict } from 'hono/utils/url';

const ENDPOINTS = ['Users', 'Groups', 'Bulk', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', '.search'];
const CANONICAL = new Map(ENDPOINTS.map((e) => [e.toLowerCase(), e]));

/**
 * The path Hono routes on, without a trailing slash and with SCIM endpoint names in their canonical case: clients send
 * `/users` as well as `/Users` (the Microsoft reference code routes case-insensitively, and
 * its own test collection relies on it). Resource ids keep their case.
 */
export function routingPath(request: Request): string {
  // getPathNoStrict drops a trailing slash: Entra's tenant URL may end in one.
  const path = getPathNoStrict(request);
  const m = /^\/scim\/v2\/([^/]+)(.*)$/i.exec(path);
  if (!m) return path;
  const endpoint = CANONICAL.get(m[1]!.toLowerCase()) ?? m[1]!;
  const rest = m[2]!.replace(/^\/\.search(\/?)$/i, '/.search$1');
  return `/scim/v2/${endpoint}${rest}`;
}
