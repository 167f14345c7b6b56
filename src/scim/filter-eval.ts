/**
 * The reference evaluator of a parsed filter over a resource in its SCIM JSON representation
 * (what clients get back). It states the filter semantics; `src/store/filter-sql.ts` compiles the
 * same semantics to SQL and must give exactly the same answers on the same data.
 *
 * Semantics (RFC 7644 §3.4.2.2, and our choices where the RFC is silent):
 *
 * 1. Two-valued logic. Every comparison is true or false, never "unknown": a comparison on an
 *    attribute that is absent (missing, null) or holds a value of another type (a number in a
 *    string attribute) is FALSE, for every operator except `ne`. `and`/`or`/`not` are plain
 *    boolean logic, so `not (title eq "x")` is true for a user without a title.
 * 2. `ne` is exactly `not eq`: `title ne "x"` is true when title is absent, and on a multi-valued
 *    attribute `emails.value ne "x"` means "no email equals x" (not "some email differs from x").
 *    Inside brackets it applies per element: `emails[value ne "x"]` = some element whose value is
 *    not x (an element without a value counts).
 * 3. Multi-valued attributes: any other comparison (`emails.value co "@x"`, `emails pr`) is true
 *    when ANY element satisfies it; `attr[filter]` is true when one element satisfies the whole
 *    inner filter. Elements of a multi-valued complex attribute that are not objects count as
 *    elements without sub-attributes. A multi-valued attribute that is not an array has no
 *    elements. A single-valued complex attribute (`name`, `manager`) is one element when it is an
 *    object.
 * 4. `pr`: present and not null, not "", not [] and not {}.
 * 5. Strings compare case-insensitively (both sides folded with `fold`) unless the attribute is
 *    caseExact; order (gt/ge/lt/le) is Unicode code point order, as SQLite compares text.
 *    `members.value` is treated as caseExact: it holds the id of a User or Group, and ids are
 *    caseExact (RFC 7643 §3.1), so `members[value eq X]` agrees with `id eq X`.
 * 6. Booleans only support eq/ne and match only real JSON booleans. dateTime compares as text
 *    against the filter value normalised to `toISOString()` form; stored dateTimes are in that
 *    form (the store writes `new Date().toISOString()`), so text order is time order.
 */
import type { CompareOp, FilterNode, FilterValue } from './filter-ast.js';
import { fold } from './fold.js';
import type { ResolvedAttr } from './schema-defs.js';

type Json = Record<string, unknown>;

/** Evaluates a filter from `parseFilter` against a resource in client (response) form. */
export function matchesFilter(node: FilterNode, resource: Record<string, unknown>): boolean {
  switch (node.op) {
    case 'and':
      return node.filters.every((f) => matchesFilter(f, resource));
    case 'or':
      return node.filters.some((f) => matchesFilter(f, resource));
    case 'not':
      return !matchesFilter(node.filter, resource);
    case 'valuePath':
      return elementsOf(node.path, topValue(resource, node.path)).some((el) => matchesElement(node.filter, el));
    case 'pr':
      return valuesAt(resource, node.path).some(isPresent);
    case 'ne':
      return !valuesAt(resource, node.path).some((v) => compareValue(node.path, 'eq', v, node.value));
    default: {
      const { op, path, value } = node;
      return valuesAt(resource, path).some((v) => compareValue(path, op, v, value));
    }
  }
}

/**
 * Evaluates a relative filter (the inside of `attr[...]`, or `parseValueFilter`'s result)
 * against one element of a multi-valued attribute.
 */
export function matchesElement(node: FilterNode, element: Record<string, unknown>): boolean {
  switch (node.op) {
    case 'and':
      return node.filters.every((f) => matchesElement(f, element));
    case 'or':
      return node.filters.some((f) => matchesElement(f, element));
    case 'not':
      return !matchesElement(node.filter, element);
    case 'valuePath':
      return false; // cannot occur: value filters do not nest
    case 'pr':
      return isPresent(subValue(element, node.path));
    case 'ne':
      return !compareValue(node.path, 'eq', subValue(element, node.path), node.value);
    default:
      return compareValue(node.path, node.op, subValue(element, node.path), node.value);
  }
}

/** Semantics rule 4. */
export function isPresent(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Semantics rule 5: whether a path compares its strings exactly. */
export function isCaseExact(path: ResolvedAttr): boolean {
  if (!path.extension && path.attr.name === 'members' && path.sub?.name === 'value') return true;
  return (path.sub ?? path.attr).caseExact;
}

/**
 * Compares two strings by Unicode code point, as SQLite's BINARY collation does on UTF-8.
 * (JavaScript's `<` compares UTF-16 code units, which orders U+10000.. below U+E000..U+FFFF.)
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

function fixup(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/**
 * One comparison of an attribute value with a filter value (`ne` excluded: it is `not eq`).
 * Exported so the SQL compiler can fold constant attributes (meta.resourceType) the same way.
 */
export function compareValue(path: ResolvedAttr, op: CompareOp, actual: unknown, expected: FilterValue): boolean {
  if (op === 'ne') return !compareValue(path, 'eq', actual, expected);
  const def = path.sub ?? path.attr;
  switch (def.type) {
    case 'boolean':
      return op === 'eq' && typeof actual === 'boolean' && actual === expected;
    case 'integer':
    case 'decimal':
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      return ordered(op, actual - expected);
    case 'complex':
      return false;
    case 'dateTime':
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      if (op === 'co' || op === 'sw' || op === 'ew') return false;
      return ordered(op, compareCodePoints(actual, expected));
    default: {
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      const exact = isCaseExact(path);
      const a = exact ? actual : fold(actual);
      const e = exact ? expected : fold(expected);
      switch (op) {
        case 'co':
          return a.includes(e);
        case 'sw':
          return a.startsWith(e);
        case 'ew':
          return a.endsWith(e);
        default:
          return ordered(op, compareCodePoints(a, e));
      }
    }
  }
}

function ordered(op: CompareOp, cmp: number): boolean {
  switch (op) {
    case 'eq':
      return cmp === 0;
    case 'gt':
      return cmp > 0;
    case 'ge':
      return cmp >= 0;
    case 'lt':
      return cmp < 0;
    case 'le':
      return cmp <= 0;
    default:
      return false;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value of the path's top-level attribute (extension attributes live under their URN). */
function topValue(resource: Json, path: ResolvedAttr): unknown {
  const container = path.extension ? resource[path.schema] : resource;
  return isObject(container) ? container[path.attr.name] : undefined;
}

/** Semantics rule 3: the elements `attr[...]` ranges over. */
function elementsOf(path: ResolvedAttr, value: unknown): Json[] {
  if (path.attr.multiValued) {
    return Array.isArray(value) ? value.map((el) => (isObject(el) ? el : {})) : [];
  }
  return isObject(value) ? [value] : [];
}

/** The values a leaf comparison at the top level is tried against (any may match). */
function valuesAt(resource: Json, path: ResolvedAttr): unknown[] {
  const top = topValue(resource, path);
  if (!path.sub) {
    if (path.attr.multiValued && path.attr.type !== 'complex') return Array.isArray(top) ? top : [];
    return [top];
  }
  const sub = path.sub.name;
  return elementsOf(path, top).map((el) => el[sub]);
}

function subValue(element: Json, path: ResolvedAttr): unknown {
  return path.sub ? element[path.sub.name] : element;
}
