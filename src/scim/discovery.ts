/**
 * The discovery documents of RFC 7644 §4 (RFC 7643 §5-7), built from the same definitions
 * that the filter, PATCH and projection code read, so they describe exactly what is served.
 */
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_ATTRIBUTES,
  ENTERPRISE_SCHEMA,
  GROUP_ATTRIBUTES,
  GROUP_SCHEMA,
  RESOURCE_TYPES,
  USER_ATTRIBUTES,
  USER_SCHEMA,
  type AttrDef,
} from './schema-defs.js';

export const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export interface Limits {
  maxResults: number;
  bulkMaxOperations: number;
  bulkMaxPayloadSize: number;
}

export function serviceProviderConfig(baseUrl: string, limits: Limits) {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
    patch: { supported: true },
    bulk: { supported: true, maxOperations: limits.bulkMaxOperations, maxPayloadSize: limits.bulkMaxPayloadSize },
    filter: { supported: true, maxResults: limits.maxResults },
    // Passwords are accepted and discarded (the bridge authenticates nobody).
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued per IdP connection (BRIDGE_CONNECTIONS or the CLI).',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return Object.values(RESOURCE_TYPES).map((rt) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: rt.kind,
    name: rt.kind,
    endpoint: rt.endpoint,
    description: rt.kind === 'User' ? 'User Account' : 'Group',
    schema: rt.schema,
    schemaExtensions: rt.extensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rt.kind}` },
  }));
}

function describe(a: AttrDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
  };
  if (a.canonicalValues) out.canonicalValues = a.canonicalValues;
  if (a.referenceTypes) out.referenceTypes = a.referenceTypes;
  if (a.subAttributes) out.subAttributes = a.subAttributes.map(describe);
  return out;
}

// id and externalId are common attributes (RFC 7643 §3.1), listed in each core schema too because
// Entra's schema discovery checks that every mapped attribute (externalId among them) appears.
const identity = COMMON_ATTRIBUTES.filter((a) => a.name === 'id' || a.name === 'externalId');

const SCHEMAS = [
  { id: USER_SCHEMA, name: 'User', description: 'User Account', attributes: [...identity, ...USER_ATTRIBUTES] },
  { id: GROUP_SCHEMA, name: 'Group', description: 'Group', attributes: [...identity, ...GROUP_ATTRIBUTES] },
  { id: ENTERPRISE_SCHEMA, name: 'EnterpriseUser', description: 'Enterprise User', attributes: ENTERPRISE_ATTRIBUTES },
];

export function schemas(baseUrl: string) {
  return SCHEMAS.map((s) => ({
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map(describe),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  }));
}
