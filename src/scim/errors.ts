/**
 * The one SCIM error type. Every refusal on the SCIM side is a ScimError built by one of the
 * named constructors below and rendered by `toScimErrorBody` (RFC 7644 §3.12).
 */

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12 Table 9, plus `sensitive` and `tooMany` which the RFC also names. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  static invalidFilter(detail: string) {
    return new ScimError(400, detail, 'invalidFilter');
  }
  static tooMany(detail: string) {
    return new ScimError(400, detail, 'tooMany');
  }
  static uniqueness(detail: string) {
    return new ScimError(409, detail, 'uniqueness');
  }
  static mutability(detail: string) {
    return new ScimError(400, detail, 'mutability');
  }
  static invalidSyntax(detail: string) {
    return new ScimError(400, detail, 'invalidSyntax');
  }
  static invalidPath(detail: string) {
    return new ScimError(400, detail, 'invalidPath');
  }
  static noTarget(detail: string) {
    return new ScimError(400, detail, 'noTarget');
  }
  static invalidValue(detail: string) {
    return new ScimError(400, detail, 'invalidValue');
  }
  static invalidVersion(detail: string) {
    return new ScimError(400, detail, 'invalidVers');
  }
  static notFound(detail: string) {
    return new ScimError(404, detail);
  }
  static unauthorized(detail = 'A valid bearer token is required.') {
    return new ScimError(401, detail, undefined, { 'WWW-Authenticate': 'Bearer realm="scim"' });
  }
  static forbidden(detail: string) {
    return new ScimError(403, detail);
  }
  static methodNotAllowed(allow: string[]) {
    return new ScimError(405, `Method not allowed here; allowed: ${allow.join(', ')}.`, undefined, {
      Allow: allow.join(', '),
    });
  }
  static preconditionFailed(detail = 'The resource has changed: If-Match did not match its current version.') {
    return new ScimError(412, detail);
  }
  static payloadTooLarge(detail: string) {
    return new ScimError(413, detail);
  }
  static unsupportedMediaType(detail: string) {
    return new ScimError(415, detail, 'invalidSyntax');
  }
  static notImplemented(detail: string) {
    return new ScimError(501, detail);
  }
}

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/** RFC 7644 §3.12: `status` is a string in the body. */
export function toScimErrorBody(err: ScimError): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(err.status), detail: err.detail };
  if (err.scimType) body.scimType = err.scimType;
  return body;
}
