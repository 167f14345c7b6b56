/**
 * The closed set of refusals of the admin side, each with its HTTP status. Services throw
 * AccessError; the admin API renders it as {"error":{"code","message"}}.
 */
export const ACCESS_ERRORS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  scim_managed_group: 409,
  scim_managed_member: 409,
  already_organization_member: 409,
  cannot_disable_last_admin: 409,
  cannot_demote_last_admin: 409,
  cannot_remove_last_admin: 409,
  duplicate_binding: 409,
  /** The application did not answer a question the admin API passed on to it (GET /api/scopes). */
  target_unavailable: 502,
} as const;

export type AccessErrorCode = keyof typeof ACCESS_ERRORS;

export class AccessError extends Error {
  readonly status: number;
  constructor(
    readonly code: AccessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AccessError';
    this.status = ACCESS_ERRORS[code];
  }
}

const IDP_NAMES: Record<string, string> = { okta: 'Okta', 'azure-ad': 'Microsoft Entra ID' };

/** How an admin would name the IdP behind a source, in messages. */
export function idpName(source: string): string {
  return IDP_NAMES[source] ?? source;
}
