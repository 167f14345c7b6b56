/**
 * What the bridge knows of SCIM resources: the attribute definitions of RFC 7643 §4.1 (User),
 * §4.2 (Group), §4.3 (Enterprise User) and §3.1 (common attributes). Everything that needs to
 * know an attribute's type, case sensitivity or mutability reads it from here: the filter
 * compiler, the PATCH engine, input normalisation, projection and the /Schemas endpoint.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type AttrType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttrDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttrDef[];
}

type AttrOpts = Partial<Omit<AttrDef, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttrType, description: string, opts: AttrOpts = {}): AttrDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...opts,
  };
}

function complex(name: string, description: string, subAttributes: AttrDef[], opts: AttrOpts = {}): AttrDef {
  return attr(name, 'complex', description, { ...opts, subAttributes });
}

/** The value/display/type/primary shape shared by emails, phoneNumbers, ims, photos, ... */
function multiValued(name: string, description: string, types: string[], valueType: AttrType = 'string'): AttrDef {
  return complex(
    name,
    description,
    [
      attr('value', valueType, `The value of ${name}.`, valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
      attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
      attr('type', 'string', "A label indicating the attribute's function.", types.length ? { canonicalValues: types } : {}),
      attr('primary', 'boolean', 'Whether this value is the preferred one.'),
    ],
    { multiValued: true },
  );
}

export const USER_ATTRIBUTES: AttrDef[] = [
  attr('userName', 'string', 'Unique identifier for the User, used to authenticate.', {
    required: true,
    uniqueness: 'server',
  }),
  complex('name', "The components of the user's real name.", [
    attr('formatted', 'string', 'The full name, formatted for display.'),
    attr('familyName', 'string', 'The family name of the User.'),
    attr('givenName', 'string', 'The given name of the User.'),
    attr('middleName', 'string', 'The middle name(s) of the User.'),
    attr('honorificPrefix', 'string', 'The honorific prefix(es) of the User.'),
    attr('honorificSuffix', 'string', 'The honorific suffix(es) of the User.'),
  ]),
  attr('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
  attr('nickName', 'string', 'The casual way to address the user.'),
  attr('profileUrl', 'reference', "A fully qualified URL pointing to the User's online profile.", {
    referenceTypes: ['external'],
  }),
  attr('title', 'string', 'The user\'s title, such as "Vice President".'),
  attr('userType', 'string', 'The relationship between the organization and the user.'),
  attr('preferredLanguage', 'string', "The User's preferred written or spoken language."),
  attr('locale', 'string', "The User's default location for localizing items."),
  attr('timezone', 'string', "The User's time zone in the IANA Time Zone database format."),
  attr('active', 'boolean', "The User's administrative status."),
  attr('password', 'string', "The User's cleartext password; stored only as a hash and never returned.", {
    mutability: 'writeOnly',
    returned: 'never',
  }),
  multiValued('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
  multiValued('phoneNumbers', 'Phone numbers for the User.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multiValued('ims', 'Instant messaging addresses for the User.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
  multiValued('photos', 'URLs of photos of the User.', ['photo', 'thumbnail'], 'reference'),
  complex(
    'addresses',
    'A physical mailing address for this User.',
    [
      attr('formatted', 'string', 'The full mailing address, formatted for display.'),
      attr('streetAddress', 'string', 'The full street address component.'),
      attr('locality', 'string', 'The city or locality component.'),
      attr('region', 'string', 'The state or region component.'),
      attr('postalCode', 'string', 'The zip code or postal code component.'),
      attr('country', 'string', 'The country name component.'),
      attr('type', 'string', "A label indicating the attribute's function.", { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'boolean', 'Whether this value is the preferred one.'),
    ],
    { multiValued: true },
  ),
  complex(
    'groups',
    'A list of groups to which the user belongs, derived from Group membership; read-only.',
    [
      attr('value', 'string', "The identifier of the User's group.", { mutability: 'readOnly' }),
      attr('$ref', 'reference', 'The URI of the corresponding Group resource.', {
        mutability: 'readOnly',
        referenceTypes: ['Group'],
      }),
      attr('display', 'string', 'A human-readable name.', { mutability: 'readOnly' }),
      attr('type', 'string', 'How the membership is derived.', {
        mutability: 'readOnly',
        canonicalValues: ['direct', 'indirect'],
      }),
    ],
    { multiValued: true, mutability: 'readOnly' },
  ),
  multiValued('entitlements', 'A list of entitlements for the User.', []),
  multiValued('roles', 'A list of roles for the User.', []),
  multiValued('x509Certificates', 'A list of certificates issued to the User.', [], 'binary'),
];

export const ENTERPRISE_ATTRIBUTES: AttrDef[] = [
  attr('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person.'),
  attr('costCenter', 'string', 'Identifies the name of a cost center.'),
  attr('organization', 'string', 'Identifies the name of an organization.'),
  attr('division', 'string', 'Identifies the name of a division.'),
  attr('department', 'string', 'Identifies the name of a department.'),
  complex('manager', "The User's manager.", [
    attr('value', 'string', 'The id of the SCIM resource representing the manager.'),
    attr('$ref', 'reference', "The URI of the manager's SCIM resource.", { referenceTypes: ['User'] }),
    attr('displayName', 'string', 'The displayName of the manager.', { mutability: 'readOnly' }),
  ]),
];

export const GROUP_ATTRIBUTES: AttrDef[] = [
  attr('displayName', 'string', 'A human-readable name for the Group; unique per connection.', {
    required: true,
    uniqueness: 'server',
  }),
  complex(
    'members',
    'A list of members of the Group.',
    [
      // An id: compared exactly, as the filter compiler and the member index do.
      attr('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable', caseExact: true }),
      attr('$ref', 'reference', 'The URI of the member resource.', {
        mutability: 'immutable',
        referenceTypes: ['User', 'Group'],
      }),
      attr('display', 'string', 'A human-readable name of the member.', { mutability: 'immutable' }),
      attr('type', 'string', 'The type of the member.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
    ],
    { multiValued: true },
  ),
];

/** RFC 7643 §3.1: id, externalId and meta belong to every resource. */
export const COMMON_ATTRIBUTES: AttrDef[] = [
  attr('id', 'string', 'Unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attr('externalId', 'string', 'Identifier of the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  complex(
    'meta',
    'Resource metadata.',
    [
      attr('resourceType', 'string', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added to the service provider.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last updated.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attr('version', 'string', 'The version (entity tag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

export type ResourceKind = 'User' | 'Group';

export interface ResourceTypeDef {
  kind: ResourceKind;
  endpoint: string;
  schema: string;
  attributes: AttrDef[];
  extensions: { schema: string; attributes: AttrDef[]; required: boolean }[];
}

export const RESOURCE_TYPES: Record<ResourceKind, ResourceTypeDef> = {
  User: {
    kind: 'User',
    endpoint: '/Users',
    schema: USER_SCHEMA,
    attributes: USER_ATTRIBUTES,
    extensions: [{ schema: ENTERPRISE_SCHEMA, attributes: ENTERPRISE_ATTRIBUTES, required: false }],
  },
  Group: { kind: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA, attributes: GROUP_ATTRIBUTES, extensions: [] },
};

/** A resolved attribute path: which schema it lives in and the definitions along the way. */
export interface ResolvedAttr {
  /** The schema URN the top-level attribute belongs to (core schema for common attributes). */
  schema: string;
  /** True when the attribute lives in an extension (stored under the extension URN key). */
  extension: boolean;
  /** Canonical (schema-cased) top-level attribute. */
  attr: AttrDef;
  /** Canonical sub-attribute, when the path names one. */
  sub?: AttrDef;
}

function findAttr(list: AttrDef[], name: string): AttrDef | undefined {
  const lower = name.toLowerCase();
  return list.find((a) => a.name.toLowerCase() === lower);
}

export function findSubAttr(parent: AttrDef, name: string): AttrDef | undefined {
  return parent.subAttributes ? findAttr(parent.subAttributes, name) : undefined;
}

/**
 * Resolves an attribute path such as `userName`, `name.givenName`, `emails.value`,
 * `urn:ietf:params:scim:schemas:core:2.0:User:name.familyName` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
 * RFC 7643 §2.1: attribute names are case-insensitive. Returns undefined for an unknown path.
 */
export function resolveAttrPath(kind: ResourceKind, path: string): ResolvedAttr | undefined {
  const rt = RESOURCE_TYPES[kind];
  let rest = path;
  let schemas: { schema: string; attributes: AttrDef[]; extension: boolean }[] = [
    { schema: rt.schema, attributes: [...COMMON_ATTRIBUTES, ...rt.attributes], extension: false },
    ...rt.extensions.map((e) => ({ schema: e.schema, attributes: e.attributes, extension: true })),
  ];
  const lowerPath = path.toLowerCase();
  if (lowerPath.startsWith('urn:')) {
    const match = schemas.find((s) => lowerPath.startsWith(s.schema.toLowerCase() + ':'));
    if (!match) return undefined;
    rest = path.slice(match.schema.length + 1);
    schemas = [match];
  } else {
    // A bare name resolves in the core schema only; extension attributes need their URN.
    schemas = schemas.filter((s) => !s.extension);
  }
  const [top, sub, ...more] = rest.split('.');
  if (!top || more.length > 0) return undefined;
  for (const s of schemas) {
    const a = findAttr(s.attributes, top);
    if (!a) continue;
    if (sub === undefined) return { schema: s.schema, extension: s.extension, attr: a };
    const sa = findSubAttr(a, sub);
    return sa ? { schema: s.schema, extension: s.extension, attr: a, sub: sa } : undefined;
  }
  return undefined;
}

/**
 * `resolveAttrPath`, plus one leniency for what IdPs send: a bare name that is not a core
 * attribute is looked up in the resource's extensions. Entra filters on `manager eq "<id>"`
 * and Microsoft's tutorial PATCHes `"path":"manager"` without the enterprise URN
 * (IDP-BEHAVIOUR §1.2, Examples 4 and 5); the core and enterprise schemas share no attribute
 * name, so this is never ambiguous.
 */
export function resolveLenientAttrPath(kind: ResourceKind, path: string): ResolvedAttr | undefined {
  const direct = resolveAttrPath(kind, path);
  if (direct || path.toLowerCase().startsWith('urn:')) return direct;
  for (const ext of RESOURCE_TYPES[kind].extensions) {
    const inExtension = resolveAttrPath(kind, `${ext.schema}:${path}`);
    if (inExtension) return inExtension;
  }
  return undefined;
}

/** The extension schema URNs known for a resource kind, matched case-insensitively. */
export function findExtension(kind: ResourceKind, urn: string) {
  const lower = urn.toLowerCase();
  return RESOURCE_TYPES[kind].extensions.find((e) => e.schema.toLowerCase() === lower);
}
