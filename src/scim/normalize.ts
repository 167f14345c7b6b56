/**
 * Turns a SCIM request body (POST, PUT, or the value of a PATCH operation) into the stored,
 * canonical form of a resource: schema-cased keys, core attributes at the top level, enterprise
 * attributes under their URN key, real booleans, arrays for multi-valued attributes, and no
 * read-only, write-only or unknown input. See the RFC 7643 §2 rules on attribute names (case
 * insensitive), null (unassigned) and multi-valued attributes (at most one `primary: true`).
 *
 * Leniency is deliberate (IDP-BEHAVIOUR.md §0.9, §1.3): Entra sends `"active":"True"` and
 * `"primary":"True"`, unknown schema URNs, a malformed enterprise URN and `null` everywhere; Okta
 * sends `groups: []`, `id`, `meta` and a `password`. None of those is an error. A value of a
 * type that cannot reasonably be coerced is a 400 `invalidValue` naming the attribute path.
 */
import { ScimError } from './errors.js';
import {
  COMMON_ATTRIBUTES,
  RESOURCE_TYPES,
  findSubAttr,
  resolveAttrPath,
  type AttrDef,
  type ResolvedAttr,
  type ResourceKind,
} from './schema-defs.js';

/** A resource as stored: see the module comment. */
export type StoredResource = Record<string, unknown>;

/** One member of a Group as given by a client (POST/PUT body or a PATCH operation). */
export interface MemberInput {
  value: string;
  display?: string;
  type?: 'User' | 'Group';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a value for an error detail, never the whole (possibly large) value. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return typeof v;
}

/** `"[...]"` or `"{...}"`: a JSON document sent as a string where the structure was expected. */
function looksLikeJson(s: string): boolean {
  const t = s.trim();
  if (!((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}')))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/**
 * Booleans: real booleans, or the strings "true"/"false" in any case. Entra sends
 * `"active":"True"` without the aadOptscim062020 flag (IDP-BEHAVIOUR.md §1.3 item 2).
 */
export function coerceBoolean(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw ScimError.invalidValue(`${path} must be a boolean (true or false), not ${describeValue(value)}.`);
}

/**
 * A complex single-valued attribute that is a reference to another resource (`manager`): it is
 * identified by its `value`, so it is given or replaced as a whole and without a value it is
 * unassigned (an empty manager id means "no manager").
 */
export function isReferenceComplex(def: AttrDef): boolean {
  return def.type === 'complex' && !def.multiValued && findSubAttr(def, 'value') !== undefined;
}

/**
 * Coerces a value for one attribute (or sub-attribute) definition. Returns `undefined` for
 * "unassigned": null, an empty string, an empty array, or a complex value with nothing left.
 * Read-only sub-attributes (manager.displayName) are dropped, unknown ones ignored.
 */
/**
 * The longest single attribute value accepted. The longest real ones are base64 certificates
 * (x509Certificates, a few KB); without a bound a 5 MB "email" was stored, indexed and sent on
 * to the application.
 */
export const MAX_VALUE_CHARS = 65_536;

export function coerceValue(def: AttrDef, value: unknown, path: string): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (def.multiValued) return coerceMultiValued(def, value, path);
  if (def.type === 'complex') return coerceComplex(def, value, path);
  return coerceScalar(def, value, path);
}

function coerceScalar(def: AttrDef, value: unknown, path: string): unknown {
  switch (def.type) {
    case 'boolean':
      return coerceBoolean(value, path);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
      throw ScimError.invalidValue(`${path} must be an integer, not ${describeValue(value)}.`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      throw ScimError.invalidValue(`${path} must be a number, not ${describeValue(value)}.`);
    default:
      // string, reference, dateTime, binary: stored as sent. A number or boolean is turned into
      // its text (an employeeNumber sent as 1234); an object or array is not a string.
      if (typeof value === 'string') {
        if (value.length > MAX_VALUE_CHARS) {
          throw ScimError.invalidValue(`${path} is ${value.length} characters long; a value may have at most ${MAX_VALUE_CHARS}.`);
        }
        return value;
      }
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw ScimError.invalidValue(`${path} must be a string, not ${describeValue(value)}.`);
  }
}

/** Sub-attributes of one complex value, keyed canonically; undefined when none are left. */
function coerceSubAttributes(def: AttrDef, value: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findSubAttr(def, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const v = coerceValue(sub, raw, `${path}.${sub.name}`);
    if (v !== undefined) out[sub.name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function coerceComplex(def: AttrDef, value: unknown, path: string): Record<string, unknown> | undefined {
  let v = value;
  if (Array.isArray(v)) {
    // The Entra/Validator manager form `[{"$ref": ..., "value": "id"}]`: a one-element array for
    // a single-valued complex attribute is unwrapped; more than one value cannot be meant.
    const items = v.filter((x) => x !== null && x !== undefined);
    if (items.length > 1) throw ScimError.invalidValue(`${path} is single-valued; an array of ${items.length} values was given.`);
    if (items.length === 0) return undefined;
    v = items[0];
    if (v === '') return undefined;
  }
  if (isReferenceComplex(def) && (typeof v === 'string' || typeof v === 'number')) {
    // manager as a plain id (imulab/go-scim#75).
    v = { value: String(v) };
  }
  if (!isPlainObject(v)) throw ScimError.invalidValue(`${path} must be an object with sub-attributes, not ${describeValue(value)}.`);
  const out = coerceSubAttributes(def, v, path);
  if (out && isReferenceComplex(def) && out['value'] === undefined) return undefined;
  return out;
}

function coerceMultiValued(def: AttrDef, value: unknown, path: string): unknown[] | undefined {
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (isPlainObject(value))
    items = [value]; // a single value for a multi-valued attribute
  else if (typeof value === 'string' && looksLikeJson(value))
    throw ScimError.invalidValue(`${path} must be a JSON array of values, not a string that contains JSON.`);
  else throw ScimError.invalidValue(`${path} is multi-valued and must be an array, not ${describeValue(value)}.`);

  const out: unknown[] = [];
  items.forEach((item, i) => {
    if (item === null || item === undefined) return;
    const itemPath = `${path}[${i}]`;
    if (def.type === 'complex') {
      if (!isPlainObject(item)) throw ScimError.invalidValue(`${itemPath} must be an object, not ${describeValue(item)}.`);
      const el = coerceSubAttributes(def, item, itemPath);
      if (el) out.push(el);
    } else {
      const el = coerceScalar(def, item, itemPath);
      if (el !== undefined && el !== '') out.push(el);
    }
  });
  enforceSinglePrimary(out);
  return out.length > 0 ? out : undefined;
}

/**
 * RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once." When more
 * than one element says primary, the preferred element (the one a PATCH just wrote; RFC 7644
 * §3.5.2 says setting primary on one value unsets it on the others) or else the first keeps it
 * and the others are set to `primary: false`. Mutates the elements in place.
 */
export function enforceSinglePrimary(elements: unknown[], preferred?: unknown): void {
  const primaries = elements.filter((e): e is Record<string, unknown> => isPlainObject(e) && e['primary'] === true);
  if (primaries.length <= 1) return;
  const keep = preferred !== undefined && primaries.includes(preferred as Record<string, unknown>) ? preferred : primaries[0];
  for (const p of primaries) if (p !== keep) p['primary'] = false;
}

// ---------------------------------------------------------------------------------------------
// Group members

const MEMBER_TYPES: Record<string, 'User' | 'Group'> = { user: 'User', group: 'Group' };

function memberTypeFromRef(ref: string): 'User' | 'Group' | undefined {
  if (/\/Groups\/[^/]+\/?$/i.test(ref)) return 'Group';
  if (/\/Users\/[^/]+\/?$/i.test(ref)) return 'User';
  return undefined;
}

function getCaseInsensitive(obj: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * Group members from a body or a PATCH value: an array (or a single object) of
 * `{value, display?, type?, $ref?}`. `$ref` may be null (Entra) and is only used to infer `type`;
 * a bare string is taken as a member id (the Azure reference collection sends one). Elements that
 * are null or `{}` are dropped; duplicates (same id) are kept once. Returns undefined for null.
 */
export function normalizeMembers(value: unknown, path = 'members'): MemberInput[] | undefined {
  if (value === null || value === undefined) return undefined;
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (isPlainObject(value)) items = [value];
  else if (typeof value === 'string') {
    if (looksLikeJson(value)) throw ScimError.invalidValue(`${path} must be a JSON array of members, not a string that contains JSON.`);
    items = [value];
  } else throw ScimError.invalidValue(`${path} must be an array of members, not ${describeValue(value)}.`);

  const out: MemberInput[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    if (item === null || item === undefined) return;
    let m: MemberInput;
    if (typeof item === 'string') {
      if (item === '') throw ScimError.invalidValue(`${itemPath} must be a member id, not an empty string.`);
      m = { value: item };
    } else if (isPlainObject(item)) {
      if (Object.keys(item).length === 0) return;
      const v = getCaseInsensitive(item, 'value');
      if (typeof v !== 'string' || v === '')
        throw ScimError.invalidValue(
          `${itemPath}.value must be the id of a User or Group, not ${v === undefined ? 'missing' : describeValue(v)}.`,
        );
      m = { value: v };
      const display = getCaseInsensitive(item, 'display');
      if (display !== null && display !== undefined) {
        if (typeof display !== 'string')
          throw ScimError.invalidValue(`${itemPath}.display must be a string, not ${describeValue(display)}.`);
        m.display = display;
      }
      const type = getCaseInsensitive(item, 'type');
      const ref = getCaseInsensitive(item, '$ref');
      if (ref !== null && ref !== undefined && typeof ref !== 'string')
        throw ScimError.invalidValue(`${itemPath}.$ref must be a URI string, not ${describeValue(ref)}.`);
      if (type !== null && type !== undefined && type !== '') {
        const t = typeof type === 'string' ? MEMBER_TYPES[type.toLowerCase()] : undefined;
        if (!t) throw ScimError.invalidValue(`${itemPath}.type must be "User" or "Group", not ${describeValue(type)}.`);
        m.type = t;
      } else if (typeof ref === 'string') {
        const t = memberTypeFromRef(ref);
        if (t) m.type = t;
      }
    } else {
      throw ScimError.invalidValue(`${itemPath} must be an object with a "value", not ${describeValue(item)}.`);
    }
    if (seen.has(m.value)) return;
    seen.add(m.value);
    out.push(m);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Whole resources

/** The display path of a resolved attribute: `name.givenName`, `urn:...:User:manager`. */
export function attrPathName(r: ResolvedAttr): string {
  const base = r.extension ? `${r.schema}:${r.attr.name}` : r.attr.name;
  return r.sub ? `${base}.${r.sub.name}` : base;
}

/** The object that holds an attribute: the resource, or its extension object (created on demand). */
export function containerOf(resource: StoredResource, r: ResolvedAttr): Record<string, unknown> {
  if (!r.extension) return resource;
  const existing = resource[r.schema];
  if (isPlainObject(existing)) return existing;
  const created: Record<string, unknown> = {};
  resource[r.schema] = created;
  return created;
}

/** Drops extension objects that have become empty (an empty object is not an assigned value). */
export function pruneExtensions(kind: ResourceKind, resource: StoredResource): void {
  for (const ext of RESOURCE_TYPES[kind].extensions) {
    const v = resource[ext.schema];
    if (v !== undefined && (!isPlainObject(v) || Object.keys(v).length === 0)) delete resource[ext.schema];
  }
}

/** Sets or (for undefined) removes one attribute in its container. */
function assign(container: Record<string, unknown>, name: string, value: unknown): void {
  if (value === undefined) delete container[name];
  else container[name] = value;
}

interface Collected {
  resource: StoredResource;
  password?: string;
  members?: MemberInput[];
}

function setResolved(kind: ResourceKind, out: Collected, r: ResolvedAttr, raw: unknown): void {
  const path = attrPathName(r);
  const def = r.attr;
  // Read-only input (id, meta, groups, manager.displayName) is ignored, never an error (§0.9).
  if (def.mutability === 'readOnly' || r.sub?.mutability === 'readOnly') return;
  if (!r.extension && def.name === 'password') {
    if (r.sub) return;
    if (raw === null || raw === undefined || raw === '') return;
    if (typeof raw !== 'string') throw ScimError.invalidValue(`password must be a string, not ${describeValue(raw)}.`);
    out.password = raw;
    return;
  }
  if (kind === 'Group' && !r.extension && def.name === 'members') {
    if (r.sub) return;
    const members = normalizeMembers(raw);
    if (members === undefined) delete out.members;
    else out.members = members;
    return;
  }
  const container = containerOf(out.resource, r);
  if (!r.sub) {
    assign(container, def.name, coerceValue(def, raw, path));
    return;
  }
  // A dotted key (`name.givenName`) sets one sub-attribute of a single-valued complex attribute.
  // Dotted keys into multi-valued attributes (`emails.value`) are ambiguous here and ignored.
  if (def.multiValued) return;
  const parent = isPlainObject(container[def.name]) ? { ...(container[def.name] as Record<string, unknown>) } : {};
  assign(parent, r.sub.name, coerceValue(r.sub, raw, path));
  assign(container, def.name, coerceValue(def, parent, attrPathName({ ...r, sub: undefined })));
}

function collect(kind: ResourceKind, body: unknown): Collected {
  if (!isPlainObject(body))
    throw ScimError.invalidSyntax(`The request body must be a JSON object representing a ${kind}, not ${describeValue(body)}.`);
  const rt = RESOURCE_TYPES[kind];
  const out: Collected = { resource: {} };
  const visit = (obj: Record<string, unknown>, allowSchemaKeys: boolean) => {
    for (const [key, raw] of Object.entries(obj)) {
      const lower = key.toLowerCase();
      if (lower === 'schemas') continue;
      if (allowSchemaKeys) {
        const ext = rt.extensions.find((e) => e.schema.toLowerCase() === lower);
        if (ext) {
          if (raw === null || raw === undefined) continue;
          if (!isPlainObject(raw))
            throw ScimError.invalidValue(`${ext.schema} must be an object holding the extension's attributes, not ${describeValue(raw)}.`);
          for (const [k, v] of Object.entries(raw)) {
            const def = ext.attributes.find((a) => a.name.toLowerCase() === k.toLowerCase());
            if (def) setResolved(kind, out, { schema: ext.schema, extension: true, attr: def }, v);
          }
          continue;
        }
        if (lower === rt.schema.toLowerCase()) {
          // The core schema URN used as a container (rare, but symmetric with the extension).
          if (isPlainObject(raw)) visit(raw, false);
          continue;
        }
      }
      // Plain names, dotted sub-attributes and URN-qualified names; anything unknown
      // (misspellings, `urn:...:enterprise:2.0User`, other vendors' URNs) is ignored.
      const r = resolveAttrPath(kind, key);
      if (r) setResolved(kind, out, r, raw);
    }
  };
  visit(body, true);
  pruneExtensions(kind, out.resource);
  return out;
}

function requireString(resource: StoredResource, name: string, kind: ResourceKind): void {
  const v = resource[name];
  if (typeof v !== 'string' || v === '') throw ScimError.invalidValue(`${name} is required for a ${kind} and must be a non-empty string.`);
}

/** POST and PUT bodies for /Users. `password` is returned for the caller to hash, never stored. */
export function normalizeUser(body: unknown): { resource: StoredResource; password?: string } {
  const c = collect('User', body);
  requireString(c.resource, 'userName', 'User');
  return c.password === undefined ? { resource: c.resource } : { resource: c.resource, password: c.password };
}

/**
 * POST and PUT bodies for /Groups. Members are returned apart from the resource (they live in
 * their own table): omitted or null → undefined (leave as is), `[]` → [] (no members).
 */
export function normalizeGroup(body: unknown): { resource: StoredResource; members?: MemberInput[] } {
  const c = collect('Group', body);
  requireString(c.resource, 'displayName', 'Group');
  return c.members === undefined ? { resource: c.resource } : { resource: c.resource, members: c.members };
}

/** Re-checks a stored-form User (the result of a PATCH) and returns its canonical form. */
export function validateUser(resource: StoredResource): StoredResource {
  return normalizeUser(resource).resource;
}

/** Re-checks a stored-form Group (the result of a PATCH) and returns its canonical form. */
export function validateGroup(resource: StoredResource): StoredResource {
  return normalizeGroup(resource).resource;
}

export function validateResource(kind: ResourceKind, resource: StoredResource): StoredResource {
  return kind === 'User' ? validateUser(resource) : validateGroup(resource);
}

/** The required attributes of a kind (RFC 7643: User userName, Group displayName). */
export function requiredAttributes(kind: ResourceKind): AttrDef[] {
  return [...COMMON_ATTRIBUTES, ...RESOURCE_TYPES[kind].attributes].filter((a) => a.required);
}
