/**
 * The PATCH engine, RFC 7644 §3.5.2: applies the operations of a PatchOp body to a copy of a
 * stored resource and returns the new resource, a password (never stored), the group membership
 * changes as operations for the store to apply, and the attribute paths that changed.
 *
 * All operations apply to a copy; the first failure throws and nothing is returned, so the
 * operations of one PATCH succeed or fail together (RFC 7644 §3.5.2). The result is re-validated
 * as a whole.
 *
 * Lenient where Entra and Okta need it (IDP-BEHAVIOUR.md §0.4, §1.3, §1.4, §2.2, §4):
 * `op` in any case, "True"/"False" booleans, path-less values keyed by plain, dotted or
 * URN-qualified names (or by the extension URN itself), valuePath add/replace creating the
 * element they name, manager as "id" / {value} / [{value,$ref}], member removal by value array,
 * and Okta's path-less replace carrying the resource's own `id`.
 */
import { ScimError } from './errors.js';
import type { FilterNode } from './filter-ast.js';
import { matchesElement } from './filter-eval.js';
import { fold } from './fold.js';
import {
  attrPathName,
  coerceValue,
  containerOf,
  describeValue,
  enforceSinglePrimary,
  isPlainObject,
  isReferenceComplex,
  normalizeMembers,
  pruneExtensions,
  requiredAttributes,
  validateResource,
  type MemberInput,
  type StoredResource,
} from './normalize.js';
import { parsePatchPath, type PatchPath } from './patch-path.js';
import {
  COMMON_ATTRIBUTES,
  RESOURCE_TYPES,
  findExtension,
  findSubAttr,
  type AttrDef,
  type ResourceKind,
  resolveLenientAttrPath,
} from './schema-defs.js';

/**
 * A change to a Group's membership, in operation order, for the store to apply: a PATCH costs
 * what it names, never the size of the group. `replace` of members is `removeAll` then `add`.
 */
export type MemberOp =
  | { kind: 'add'; members: MemberInput[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'removeAll' }
  | { kind: 'removeWhere'; filter: FilterNode };

export interface PatchResult {
  resource: StoredResource;
  /** A password set by the PATCH, for the caller to hash; never part of `resource`. */
  password?: string;
  memberOps: MemberOp[];
  /**
   * Canonical paths of the attributes whose stored value changed, in schema order: `userName`,
   * `name.givenName` (single-valued complex attributes per sub-attribute), `emails` (multi-valued
   * attributes as a whole), `urn:...:enterprise:2.0:User:manager` (a reference, as a whole), and
   * `password` when one was given. Membership changes are in `memberOps`, not here.
   */
  changed: string[];
}

type OpName = 'add' | 'remove' | 'replace';

interface ParsedOp {
  op: OpName;
  path?: string;
  hasValue: boolean;
  value: unknown;
}

interface State {
  kind: ResourceKind;
  id: string;
  res: StoredResource;
  memberOps: MemberOp[];
  password?: string;
}

/** A key of a JSON object, matched exactly first and then case-insensitively. */
function keyOf(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function parseBody(body: unknown): ParsedOp[] {
  if (!isPlainObject(body))
    throw ScimError.invalidSyntax(
      `A PATCH body must be a JSON object with an "Operations" array (RFC 7644 §3.5.2), not ${describeValue(body)}.`,
    );
  // The PatchOp URN in `schemas` is expected but its absence is tolerated.
  const opsKey = keyOf(body, 'Operations');
  if (opsKey === undefined) throw ScimError.invalidSyntax('The PATCH body has no "Operations" array.');
  const ops = body[opsKey];
  if (!Array.isArray(ops)) throw ScimError.invalidSyntax(`"Operations" must be an array of operations, not ${describeValue(ops)}.`);
  if (ops.length === 0) throw ScimError.invalidSyntax('"Operations" must hold at least one operation.');
  return ops.map((raw, i): ParsedOp => {
    const at = `Operations[${i}]`;
    if (!isPlainObject(raw))
      throw ScimError.invalidSyntax(`${at} must be an object with "op", "path" and "value", not ${describeValue(raw)}.`);
    const opKey = keyOf(raw, 'op');
    const op = opKey === undefined ? undefined : raw[opKey];
    if (typeof op !== 'string')
      throw ScimError.invalidSyntax(
        `${at}.op is ${op === undefined ? 'missing' : describeValue(op)}; it must be "add", "remove" or "replace".`,
      );
    // Entra sends "Add", "Replace", "Remove" (IDP-BEHAVIOUR.md §1.3 item 1).
    const name = op.trim().toLowerCase();
    if (name !== 'add' && name !== 'remove' && name !== 'replace')
      throw ScimError.invalidSyntax(`${at}.op "${op}" is not one of "add", "remove", "replace".`);
    const pathKey = keyOf(raw, 'path');
    const path = pathKey === undefined ? undefined : raw[pathKey];
    if (path !== undefined && path !== null && typeof path !== 'string')
      throw ScimError.invalidSyntax(`${at}.path must be a string, not ${describeValue(path)}.`);
    const valueKey = keyOf(raw, 'value');
    const parsed: ParsedOp = { op: name, hasValue: valueKey !== undefined, value: valueKey === undefined ? undefined : raw[valueKey] };
    // An empty path is the same as none: the target is the resource itself.
    if (typeof path === 'string' && path.trim() !== '') parsed.path = path.trim();
    return parsed;
  });
}

export function applyPatch(kind: ResourceKind, current: StoredResource, body: unknown, ctx: { id: string }): PatchResult {
  const ops = parseBody(body);
  const st: State = { kind, id: ctx.id, res: structuredClone(current), memberOps: [] };
  ops.forEach((op, i) => {
    try {
      applyOperation(st, op);
    } catch (err) {
      if (err instanceof ScimError)
        throw new ScimError(
          err.status,
          `Operations[${i}] (${op.op}${op.path ? ` ${op.path}` : ''}): ${err.detail}`,
          err.scimType,
          err.headers,
        );
      throw err;
    }
  });

  // RFC 7644 §3.5.2.2: "If an attribute is removed or becomes unassigned and is defined as a
  // required attribute ..., the server SHALL return ... a scimType error code of mutability."
  for (const a of requiredAttributes(kind)) {
    const v = st.res[a.name];
    if (v === undefined || v === null || v === '')
      throw ScimError.mutability(`${a.name} is required for a ${kind}; it cannot be removed or emptied.`);
  }
  const resource = validateResource(kind, st.res);
  const changed = changedPaths(kind, current, resource);
  if (st.password !== undefined) changed.push('password');
  const result: PatchResult = { resource, memberOps: st.memberOps, changed };
  if (st.password !== undefined) result.password = st.password;
  return result;
}

function applyOperation(st: State, op: ParsedOp): void {
  if (op.path === undefined) {
    // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails with ... noTarget."
    if (op.op === 'remove') throw ScimError.noTarget('A remove operation needs a "path".');
    if (!op.hasValue) throw ScimError.invalidValue(`An ${op.op} without a path needs a "value" object of attributes.`);
    if (!isPlainObject(op.value))
      throw ScimError.invalidValue(
        `An ${op.op} without a path needs a "value" that is an object of attributes, not ${describeValue(op.value)}.`,
      );
    applyPathless(st, op.op, op.value, true);
    return;
  }
  // The extension URN itself as the path: its value is an object of the extension's attributes.
  const ext = findExtension(st.kind, op.path);
  if (ext) {
    if (op.op === 'remove' || op.value === null || op.value === '') {
      if (op.op !== 'add') delete st.res[ext.schema];
      return;
    }
    if (!op.hasValue) throw ScimError.invalidValue(`${op.op} of ${ext.schema} needs a "value" object.`);
    if (!isPlainObject(op.value))
      throw ScimError.invalidValue(`The value for ${ext.schema} must be an object of its attributes, not ${describeValue(op.value)}.`);
    applyPathless(st, op.op, { [ext.schema]: op.value }, true);
    return;
  }
  applyTarget(st, op.op, parsePatchPath(op.path, st.kind), op.value, op.hasValue, op.path);
}

/**
 * RFC 7644 §3.5.2.1/§3.5.2.3 without a path: "the target location is assumed to be the resource
 * itself" and the value holds the attributes. Keys may be plain names, dotted sub-attributes,
 * URN-qualified names or an extension URN holding an object (IDP-BEHAVIOUR.md §1.3 item 3).
 * Unknown keys and read-only attributes (`meta`, `groups`, `schemas`) are ignored, as in POST;
 * `id` is ignored when it is this resource's id (Okta, §2.2 step 12) and refused otherwise.
 */
function applyPathless(st: State, op: 'add' | 'replace', obj: Record<string, unknown>, top: boolean): void {
  const rt = RESOURCE_TYPES[st.kind];
  for (const [key, v] of Object.entries(obj)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') continue;
    if (top) {
      const ext = findExtension(st.kind, key);
      if (ext) {
        if (v === null || v === '') {
          if (op === 'replace') delete st.res[ext.schema];
          continue;
        }
        if (!isPlainObject(v))
          throw ScimError.invalidValue(`${ext.schema} must be an object of the extension's attributes, not ${describeValue(v)}.`);
        for (const [k, inner] of Object.entries(v)) {
          const r = resolveLenientAttrPath(st.kind, `${ext.schema}:${k}`);
          if (!r || r.attr.mutability === 'readOnly' || r.sub?.mutability === 'readOnly') continue;
          applyTarget(st, op, r.sub ? { attr: r, subAttr: r.sub } : { attr: r }, inner, true, `${ext.schema}:${k}`);
        }
        continue;
      }
      if (lower === rt.schema.toLowerCase() && isPlainObject(v)) {
        applyPathless(st, op, v, false);
        continue;
      }
    }
    const r = resolveLenientAttrPath(st.kind, key);
    if (!r) continue;
    if (!r.extension && !r.sub && r.attr.name === 'id') {
      if (v === null || v === undefined || v === st.id) continue;
      throw ScimError.mutability(`id is read-only; the id given (${describeValue(v)}) is not this resource's id.`);
    }
    if (r.attr.mutability === 'readOnly' || r.sub?.mutability === 'readOnly') continue;
    applyTarget(st, op, r.sub ? { attr: r, subAttr: r.sub } : { attr: r }, v, true, key);
  }
}

function applyTarget(st: State, op: OpName, target: PatchPath, value: unknown, hasValue: boolean, label: string): void {
  const r = target.attr;
  const def = r.attr;
  // RFC 7644 §3.5.2: a readOnly attribute cannot be modified (explicit paths only; a path-less
  // value has had its read-only keys dropped already).
  if (def.mutability === 'readOnly' || r.sub?.mutability === 'readOnly')
    throw ScimError.mutability(`${attrPathName(r)} is read-only and cannot be modified.`);
  if (!r.extension && def.name === 'password') return applyPassword(st, op, target, value, label);
  if (st.kind === 'Group' && !r.extension && def.name === 'members') return applyMembers(st, op, target, value, hasValue, label);
  if (op !== 'remove' && !hasValue) throw ScimError.invalidValue(`${op} of ${label} needs a "value".`);

  const container = containerOf(st.res, r);
  if (def.multiValued) applyMultiValued(container, def, op, target, value, hasValue, label);
  else if (def.type === 'complex') applyComplex(container, def, op, target, value, label);
  else if (op === 'remove') delete container[def.name];
  else assignOrDelete(container, def.name, coerceValue(def, value, label));
  pruneExtensions(st.kind, st.res);
}

function assignOrDelete(container: Record<string, unknown>, name: string, value: unknown): void {
  if (value === undefined) delete container[name];
  else container[name] = value;
}

function applyPassword(st: State, op: OpName, target: PatchPath, value: unknown, label: string): void {
  if (target.filter || target.attr.sub) throw ScimError.invalidPath(`${label}: password has no sub-attributes.`);
  if (op === 'remove') throw ScimError.mutability('password cannot be removed; replace it with a new one.');
  if (typeof value !== 'string' || value === '')
    throw ScimError.invalidValue(`password must be a non-empty string, not ${describeValue(value)}.`);
  st.password = value;
}

/**
 * A single-valued complex attribute (`name`, `manager`). RFC 7644 §3.5.2.3: "a set of
 * sub-attributes SHALL be specified in the value parameter, which replaces any existing values
 * or adds where an attribute did not previously exist. Sub-attributes that are not specified in
 * the value parameter are left unchanged." `manager` is a reference, given and replaced whole.
 */
function applyComplex(
  container: Record<string, unknown>,
  def: AttrDef,
  op: OpName,
  target: PatchPath,
  value: unknown,
  label: string,
): void {
  const sub = target.attr.sub;
  const current = isPlainObject(container[def.name]) ? { ...(container[def.name] as Record<string, unknown>) } : {};
  if (!sub) {
    // remove, and replace/add with null or "" (Entra's "Null/empty update"), clear it.
    if (op === 'remove' || value === null || value === '') {
      delete container[def.name];
      return;
    }
    if (isReferenceComplex(def)) {
      assignOrDelete(container, def.name, coerceValue(def, value, label));
      return;
    }
    if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        const s = findSubAttr(def, k);
        if (!s || s.mutability === 'readOnly') continue;
        assignOrDelete(current, s.name, coerceValue(s, v, `${label}.${s.name}`));
      }
    } else {
      // Arrays of one object are unwrapped, anything else is refused with a precise detail.
      Object.assign(current, coerceValue(def, value, label));
    }
  } else if (op === 'remove') {
    delete current[sub.name];
  } else {
    assignOrDelete(current, sub.name, coerceValue(sub, value, label));
  }
  // Re-coerce the whole: an empty object, or a manager left without a value, is unassigned.
  assignOrDelete(container, def.name, coerceValue(def, current, label));
}

/** Only `type`/`primary` left: the element's content was cleared, so the element goes too. */
function isHollow(el: unknown): boolean {
  return isPlainObject(el) && Object.keys(el).every((k) => k === 'type' || k === 'primary');
}

function scalarEqual(def: AttrDef | undefined, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && def && !def.caseExact) return fold(a) === fold(b);
  return deepEqual(a, b);
}

/** For add: "duplicates by value are not repeated". Elements without a value compare whole. */
function sameElement(def: AttrDef, a: unknown, b: unknown): boolean {
  if (!isPlainObject(a) || !isPlainObject(b)) return scalarEqual(def, a, b);
  const valueDef = findSubAttr(def, 'value');
  if (valueDef && b['value'] !== undefined) return a['value'] !== undefined && scalarEqual(valueDef, a['value'], b['value']);
  return deepEqual(a, b);
}

/** For remove with a value: an element matches when it has every sub-attribute the value gives. */
function partialMatch(def: AttrDef, el: unknown, given: unknown): boolean {
  if (!isPlainObject(el) || !isPlainObject(given)) return scalarEqual(def, el, given);
  return Object.entries(given).every(([k, v]) => scalarEqual(findSubAttr(def, k), el[k], v));
}

/**
 * What an element matched by a filter must contain, when the filter says so unambiguously: an
 * `eq` on a sub-attribute, or an `and` of those (`type eq "work"`, `primary eq "True"`). Used to
 * create the element when add/replace finds none (Entra expects that: IDP-BEHAVIOUR.md §1.3
 * item 4). Undefined for any other filter.
 */
function filterDefaults(node: FilterNode): Record<string, unknown> | undefined {
  if (node.op === 'eq') {
    const s = node.path.sub;
    if (!s || node.value === null) return undefined;
    try {
      const v = coerceValue(s, node.value, s.name);
      return v === undefined ? undefined : { [s.name]: v };
    } catch {
      return undefined;
    }
  }
  if (node.op === 'and') {
    const out: Record<string, unknown> = {};
    for (const f of node.filters) {
      const d = filterDefaults(f);
      if (!d) return undefined;
      for (const [k, v] of Object.entries(d)) {
        if (k in out && !deepEqual(out[k], v)) return undefined;
        out[k] = v;
      }
    }
    return out;
  }
  return undefined;
}

function applyMultiValued(
  container: Record<string, unknown>,
  def: AttrDef,
  op: OpName,
  target: PatchPath,
  value: unknown,
  hasValue: boolean,
  label: string,
): void {
  let arr: unknown[] = Array.isArray(container[def.name]) ? [...(container[def.name] as unknown[])] : [];
  let preferred: unknown;
  const finish = () => {
    enforceSinglePrimary(arr, preferred);
    arr = arr.filter((e) => !(isPlainObject(e) && Object.keys(e).length === 0));
    assignOrDelete(container, def.name, arr.length > 0 ? arr : undefined);
  };
  const { filter } = target;
  const sub = target.attr.sub;

  if (!filter && !sub) {
    if (op === 'replace') {
      assignOrDelete(container, def.name, coerceValue(def, value, label));
      return;
    }
    if (op === 'remove') {
      // RFC 7644 §3.5.2.2: no filter removes the attribute. A value (Entra's member-removal form,
      // used here for any multi-valued attribute) removes just the elements it describes.
      if (!hasValue || value === null) {
        delete container[def.name];
        return;
      }
      const toRemove = (coerceValue(def, value, label) as unknown[] | undefined) ?? [];
      arr = arr.filter((el) => !toRemove.some((t) => partialMatch(def, el, t)));
      finish();
      return;
    }
    // add: RFC 7644 §3.5.2.1 "a new value is added"; one equal by value to an existing element is
    // merged into it instead ("If the target location already contains the value specified, no
    // changes SHOULD be made").
    const incoming = (coerceValue(def, value, label) as unknown[] | undefined) ?? [];
    for (const el of incoming) {
      const existing = arr.find((e) => sameElement(def, e, el));
      let written: unknown = existing;
      if (existing === undefined) {
        arr.push(el);
        written = el;
      } else if (isPlainObject(existing) && isPlainObject(el)) {
        Object.assign(existing, el);
      }
      if (isPlainObject(el) && el['primary'] === true) preferred = written;
    }
    finish();
    return;
  }

  const selected = filter ? arr.filter((el) => isPlainObject(el) && matchesElement(filter, el)) : arr.filter(isPlainObject);

  if (!sub) {
    // valuePath without a sub-attribute: `emails[type eq "work"]`.
    if (op === 'remove') {
      // RFC 7644 §3.5.2.2 removes "the values matched by the filter"; none matched is not an
      // error (the RFC asks for noTarget only for replace), so a repeated remove is harmless.
      arr = arr.filter((el) => !selected.includes(el));
      finish();
      return;
    }
    const incoming = coerceValue(def, value, label) as Record<string, unknown>[] | undefined;
    if (incoming && incoming.length > 1)
      throw ScimError.invalidValue(
        `${label} selects values with a filter; its value must be one object, not an array of ${incoming.length}.`,
      );
    const el = incoming?.[0];
    if (!el) {
      // replace with null/""/{}: the selected values are cleared; add of nothing changes nothing.
      if (op === 'replace') arr = arr.filter((e) => !selected.includes(e));
      finish();
      return;
    }
    const defaults = filterDefaults(filter!);
    if (selected.length > 0) {
      for (const m of selected as Record<string, unknown>[]) {
        if (op === 'replace') {
          // RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced"; what the filter
          // pinned (`type eq "work"`) is kept unless the new value says otherwise.
          for (const k of Object.keys(m)) delete m[k];
          Object.assign(m, defaults ?? {}, el);
        } else {
          Object.assign(m, el);
        }
        if (m['primary'] === true) preferred = m;
      }
    } else {
      // RFC 7644 §3.5.2.3 says noTarget here; Entra expects the element to be created, which is
      // possible when the filter says what it contains.
      if (!defaults)
        throw ScimError.noTarget(`${label}: no value of ${def.name} matches the filter, and the filter does not say how to create one.`);
      const created = { ...defaults, ...el };
      arr.push(created);
      if (created['primary'] === true) preferred = created;
    }
    finish();
    return;
  }

  // A sub-attribute of the selected elements: `emails[type eq "work"].value`, or `emails.value`.
  const v = op === 'remove' ? undefined : coerceValue(sub, value, label);
  if (selected.length === 0) {
    if (v === undefined) return; // nothing to remove or clear
    const defaults = filter ? filterDefaults(filter) : {};
    if (!defaults)
      throw ScimError.noTarget(`${label}: no value of ${def.name} matches the filter, and the filter does not say how to create one.`);
    const created = { ...defaults, [sub.name]: v };
    arr.push(created);
    if (created['primary'] === true) preferred = created;
    finish();
    return;
  }
  for (const m of selected as Record<string, unknown>[]) {
    assignOrDelete(m, sub.name, v);
    if (sub.name === 'primary' && v === true) preferred = m;
  }
  // Clearing `emails[type eq "work"].value` (remove, or replace with "" / null) leaves an
  // element with only its type: that email is gone, so the element goes too.
  if (v === undefined) arr = arr.filter((e) => !(selected.includes(e) && isHollow(e)));
  finish();
}

/** `value eq "x"`, or an `or` of those: the member ids a filter names, else undefined. */
function memberIdsFromFilter(node: FilterNode): string[] | undefined {
  if (node.op === 'eq') return node.path.sub?.name === 'value' && typeof node.value === 'string' ? [node.value] : undefined;
  if (node.op === 'or') {
    const ids: string[] = [];
    for (const f of node.filters) {
      const sub = memberIdsFromFilter(f);
      if (!sub) return undefined;
      ids.push(...sub);
    }
    return [...new Set(ids)];
  }
  return undefined;
}

/**
 * Group membership (IDP-BEHAVIOUR.md §0.4, §1.2, §1.4, §2.2 step 13): add one or many; replace
 * all (removeAll + add); remove all (path `members`, no value); remove by value array (Entra,
 * entries may carry `"$ref": null`); remove by filter (`members[value eq "id"]`).
 */
function applyMembers(st: State, op: OpName, target: PatchPath, value: unknown, hasValue: boolean, label: string): void {
  const sub = target.attr.sub;
  if (sub) throw ScimError.mutability(`${label}: the sub-attributes of a member are immutable; add or remove whole members instead.`);
  if (target.filter) {
    if (op !== 'remove')
      throw ScimError.invalidPath(
        `${label}: a members filter can only select members to remove; to add or replace, use the path "members".`,
      );
    const ids = memberIdsFromFilter(target.filter);
    st.memberOps.push(ids ? { kind: 'remove', ids } : { kind: 'removeWhere', filter: target.filter });
    return;
  }
  if (op === 'remove') {
    if (!hasValue || value === null) {
      st.memberOps.push({ kind: 'removeAll' });
      return;
    }
    const ids = (normalizeMembers(value, label) ?? []).map((m) => m.value);
    if (ids.length > 0) st.memberOps.push({ kind: 'remove', ids });
    return;
  }
  if (!hasValue) throw ScimError.invalidValue(`${op} of members needs a "value" with the members.`);
  const members = normalizeMembers(value, label) ?? [];
  if (op === 'replace') st.memberOps.push({ kind: 'removeAll' });
  if (members.length > 0) st.memberOps.push({ kind: 'add', members });
}

// ---------------------------------------------------------------------------------------------

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function changedPaths(kind: ResourceKind, before: StoredResource, after: StoredResource): string[] {
  const rt = RESOURCE_TYPES[kind];
  const scopes = [
    { prefix: '', attrs: [...COMMON_ATTRIBUTES, ...rt.attributes], get: (r: StoredResource) => r },
    ...rt.extensions.map((e) => ({
      prefix: `${e.schema}:`,
      attrs: e.attributes,
      get: (r: StoredResource) => (isPlainObject(r[e.schema]) ? (r[e.schema] as Record<string, unknown>) : {}),
    })),
  ];
  const out: string[] = [];
  for (const s of scopes) {
    const b = s.get(before);
    const a = s.get(after);
    for (const def of s.attrs) {
      if (def.mutability === 'readOnly' || def.mutability === 'writeOnly' || (kind === 'Group' && def.name === 'members')) continue;
      if (def.type === 'complex' && !def.multiValued && !isReferenceComplex(def)) {
        const bo = isPlainObject(b[def.name]) ? (b[def.name] as Record<string, unknown>) : {};
        const ao = isPlainObject(a[def.name]) ? (a[def.name] as Record<string, unknown>) : {};
        for (const sub of def.subAttributes ?? []) {
          if (!deepEqual(bo[sub.name], ao[sub.name])) out.push(`${s.prefix}${def.name}.${sub.name}`);
        }
      } else if (!deepEqual(b[def.name], a[def.name])) {
        out.push(`${s.prefix}${def.name}`);
      }
    }
  }
  return out;
}
