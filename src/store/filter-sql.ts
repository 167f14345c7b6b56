/**
 * The only place where SCIM filters and sorts become SQL.
 *
 * `compileFilter` turns a parsed filter into a boolean SQL expression over the alias `u`
 * (scim_users) or `g` (scim_groups). It implements exactly the semantics written down in
 * `src/scim/filter-eval.ts` (two-valued logic, `ne` = `not eq`, any-element matching on
 * multi-valued attributes, ...): the two are compared on random data by the tests.
 *
 * Safety: every value reaches SQLite as a bound parameter. The only text put into the SQL
 * besides fixed fragments is JSON paths and names built from the schema definitions
 * (`schema-defs.ts`), checked against a strict character set; client text never is.
 *
 * Two-valued logic in SQL: a comparison with a NULL column yields NULL, which behaves as false
 * under AND/OR/WHERE but would stay NULL under NOT. So every `not` (and `ne`, which is `not eq`)
 * compiles to `NOT IFNULL(x, 0)`, and comparisons are otherwise left bare so indexes apply.
 *
 * Where each attribute is read from:
 * - indexed columns: id, externalId, userName (`user_name_key`, folded), displayName
 *   (`display_name_key`, folded), active, meta.created, meta.lastModified; meta.resourceType is
 *   a constant;
 * - User multi-valued attributes with a `value` (emails, phoneNumbers, ims, photos,
 *   entitlements, roles, x509Certificates), when the filter only uses value, type and
 *   `primary eq true`: the side table scim_user_values, through its index
 *   (connection_id, attr, value_key). It relies on users.repo writing, for every element of the
 *   array, value_key = fold(value) and type_key = fold(type) when they are strings (else NULL)
 *   and is_primary = (primary === true);
 * - Group members: scim_group_members (value → member_id, type → member_type, display → the
 *   display that groups.repo `listMembers` returns, i.e. with the same fallback);
 * - everything else: the `resource` JSON (json_extract / json_each).
 */
import type Database from 'better-sqlite3';
import { ScimError } from '../scim/errors.js';
import type { CompareOp, FilterNode, FilterValue } from '../scim/filter-ast.js';
import { compareValue, isCaseExact } from '../scim/filter-eval.js';
import { assertFilterable, displayPath } from '../scim/filter.js';
import { fold } from '../scim/fold.js';
import { findSubAttr, type ResolvedAttr, type ResourceKind } from '../scim/schema-defs.js';
import type { SortSpec } from '../scim/sort.js';

/** Registers the SQL functions the compiled filters use. Call once per connection. */
export function registerSqlFunctions(db: Database.Database): void {
  db.function('scim_fold', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? fold(v) : null));
}

// ---------------------------------------------------------------------------------------------
// A tiny SQL builder: text and its parameters travel together, in order.

class Sql {
  constructor(
    readonly text: string,
    readonly params: readonly unknown[] = [],
  ) {}
}

/** Trusted SQL text: fixed fragments and schema-derived names only, never client input. */
const raw = (text: string) => new Sql(text);
const TRUE = raw('1');
const FALSE = raw('0');

/** A parameter placeholder carrying its value. */
const param = (value: unknown) => new Sql('?', [value]);

/** Template tag: interpolated Sql fragments are inlined with their parameters. */
function sql(strings: TemplateStringsArray, ...parts: Sql[]): Sql {
  let text = strings[0]!;
  const params: unknown[] = [];
  parts.forEach((part, i) => {
    text += part.text + strings[i + 1]!;
    params.push(...part.params);
  });
  return new Sql(text, params);
}

function join(parts: Sql[], separator: string): Sql {
  return new Sql(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
  );
}

const not = (x: Sql) => sql`(NOT IFNULL(${x}, 0))`;

/** A JSON path built from schema names only, as an SQL string literal: '$."name"."givenName"'. */
function jsonPath(...keys: string[]): Sql {
  for (const k of keys) {
    if (!/^[A-Za-z0-9$_.:-]+$/.test(k)) throw new Error(`unsafe JSON key from schema: ${k}`);
  }
  return raw(`'$${keys.map((k) => `."${k}"`).join('')}'`);
}

function resourceKeys(path: ResolvedAttr, withSub = true): string[] {
  const keys = path.extension ? [path.schema, path.attr.name] : [path.attr.name];
  if (withSub && path.sub) keys.push(path.sub.name);
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Value sources: where one attribute's value is read, in a given scope.

type Src =
  /** expr yields TEXT (already folded when `folded`) or NULL for absent / not a string. */
  | { kind: 'text'; expr: Sql; folded: boolean; present: Sql; indexed?: boolean }
  /** isFalse undefined: this source cannot tell false from absent. */
  | { kind: 'bool'; isTrue: Sql; isFalse?: Sql; present: Sql }
  /** ISO-8601 text in toISOString form. */
  | { kind: 'date'; expr: Sql; present: Sql }
  | { kind: 'const'; value: string };

function textColumn(column: string, folded: boolean, nullable: boolean, indexed = true): Src {
  const c = raw(column);
  return {
    kind: 'text',
    expr: c,
    folded,
    indexed,
    present: nullable ? sql`(${c} IS NOT NULL AND ${c} <> '')` : sql`(${c} <> '')`,
  };
}

/** RFC 7644 §3.4.2.2 `pr` over a JSON value (semantics rule 4 of filter-eval.ts). */
function jsonPresent(root: Sql, p: Sql): Sql {
  return sql`(CASE json_type(${root}, ${p}) WHEN 'text' THEN json_extract(${root}, ${p}) <> '' WHEN 'array' THEN json_array_length(${root}, ${p}) > 0 WHEN 'object' THEN json_extract(${root}, ${p}) <> '{}' WHEN 'true' THEN 1 WHEN 'false' THEN 1 WHEN 'integer' THEN 1 WHEN 'real' THEN 1 ELSE 0 END)`;
}

/** A string at `p` in JSON `root`, or NULL when absent or not a string. */
function jsonText(root: Sql, p: Sql): Sql {
  return sql`(CASE WHEN json_type(${root}, ${p}) = 'text' THEN json_extract(${root}, ${p}) END)`;
}

function jsonSrc(root: Sql, p: Sql, path: ResolvedAttr): Src {
  const def = path.sub ?? path.attr;
  const present = jsonPresent(root, p);
  switch (def.type) {
    case 'boolean':
      return {
        kind: 'bool',
        isTrue: sql`(json_type(${root}, ${p}) = 'true')`,
        isFalse: sql`(json_type(${root}, ${p}) = 'false')`,
        present,
      };
    case 'string':
    case 'reference':
    case 'binary': {
      const text = jsonText(root, p);
      return isCaseExact(path)
        ? { kind: 'text', expr: text, folded: false, present }
        : { kind: 'text', expr: sql`scim_fold(${text})`, folded: true, present };
    }
    default:
      throw ScimError.invalidFilter(`Filtering on '${displayPath(path)}' (${def.type}) is not supported.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Comparisons on a source.

const SQL_ORDER: Partial<Record<CompareOp, string>> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** The smallest string greater than every string that starts with `prefix` (code point order). */
function prefixUpperBound(prefix: string): string | undefined {
  const cps = [...prefix];
  while (cps.length > 0) {
    let next = cps.pop()!.codePointAt(0)! + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return cps.join('') + String.fromCodePoint(next);
  }
  return undefined;
}

function compareOn(src: Src, path: ResolvedAttr, op: CompareOp, value: FilterValue): Sql {
  if (op === 'ne') return not(compareOn(src, path, 'eq', value));
  switch (src.kind) {
    case 'const':
      return compareValue(path, op, src.value, value) ? TRUE : FALSE;
    case 'bool':
      if (op !== 'eq' || typeof value !== 'boolean') return FALSE;
      if (value) return src.isTrue;
      if (!src.isFalse) throw new Error('compileFilter: this source cannot compare with false');
      return src.isFalse;
    case 'date': {
      const sqlOp = SQL_ORDER[op];
      if (!sqlOp || typeof value !== 'string') return FALSE;
      return sql`(${src.expr} ${raw(sqlOp)} ${param(value)})`;
    }
    case 'text': {
      if (typeof value !== 'string') return FALSE;
      const v = src.folded ? fold(value) : value;
      const e = src.expr;
      switch (op) {
        case 'co':
          return sql`(instr(${e}, ${param(v)}) > 0)`;
        case 'sw': {
          const starts = sql`(instr(${e}, ${param(v)}) = 1)`;
          if (!src.indexed || v === '') return starts;
          // On an indexed column, a range lets SQLite seek instead of reading every row.
          const upper = prefixUpperBound(v);
          return upper === undefined
            ? sql`(${e} >= ${param(v)} AND ${starts})`
            : sql`(${e} >= ${param(v)} AND ${e} < ${param(upper)} AND ${starts})`;
        }
        case 'ew': {
          if (v === '') return sql`(${e} IS NOT NULL)`;
          return sql`(substr(${e}, ${param(-[...v].length)}) = ${param(v)})`;
        }
        default:
          return sql`(${e} ${raw(SQL_ORDER[op]!)} ${param(v)})`;
      }
    }
  }
}

type Leaf = Extract<FilterNode, { op: 'pr' }> | Extract<FilterNode, { value: FilterValue }>;

/** A leaf (`pr` or a comparison) on a source. */
function leafOn(src: Src, node: Leaf): Sql {
  if (node.op === 'pr') return src.kind === 'const' ? TRUE : src.present;
  return compareOn(src, node.path, node.op, node.value);
}

/** Compiles a relative filter (inside brackets) with `srcFor` giving each sub-attribute's source. */
function elementFilter(node: FilterNode, srcFor: (path: ResolvedAttr) => Src): Sql {
  switch (node.op) {
    case 'and':
    case 'or':
      return sql`(${join(
        node.filters.map((f) => elementFilter(f, srcFor)),
        node.op === 'and' ? ' AND ' : ' OR ',
      )})`;
    case 'not':
      return not(elementFilter(node.filter, srcFor));
    case 'valuePath':
      throw ScimError.invalidFilter('Value filters cannot be nested.');
    default:
      if (!node.path.sub) throw ScimError.invalidFilter(`'${displayPath(node.path)}' inside brackets needs a sub-attribute.`);
      return leafOn(srcFor(node.path), node);
  }
}

// ---------------------------------------------------------------------------------------------
// The compiler.

/** User multi-valued attributes mirrored in scim_user_values (by their `value`). */
const SIDE_TABLE_ATTRS = new Set(['emails', 'phoneNumbers', 'ims', 'photos', 'entitlements', 'roles', 'x509Certificates']);

/** The element source for json_each rows: the element when it is an object, else NULL. */
const JSON_ELEMENT = raw(`(CASE WHEN e.type = 'object' THEN e.value END)`);

/** What the members listing shows as `display` (groups.repo listMembers): keep the two in step. */
const MEMBER_DISPLAY = raw(
  `coalesce(m.display, CASE m.member_type ` +
    `WHEN 'User' THEN (SELECT coalesce(json_extract(mu.resource, '$.displayName'), mu.user_name) FROM scim_users mu WHERE mu.id = m.member_id) ` +
    `WHEN 'Group' THEN (SELECT mg.display_name FROM scim_groups mg WHERE mg.id = m.member_id) END)`,
);

/**
 * Compiles a filter tree from `parseFilter` into a boolean SQL expression over alias `u` (User)
 * or `g` (Group), for `WHERE <alias>.connection_id = ? AND (<sql>)`. `connectionId` scopes the
 * side-table lookups. The directory hands the store the tree, never SQL: this is where it
 * becomes SQL.
 */
export function compileFilter(node: FilterNode, kind: ResourceKind, connectionId: string): { sql: string; params: unknown[] } {
  const compiled = new FilterCompiler(kind, connectionId).node(node);
  return { sql: compiled.text, params: [...compiled.params] };
}

class FilterCompiler {
  private readonly a: 'u' | 'g';

  constructor(
    private readonly kind: ResourceKind,
    private readonly connectionId: string,
  ) {
    this.a = kind === 'User' ? 'u' : 'g';
  }

  node(node: FilterNode): Sql {
    switch (node.op) {
      case 'and':
      case 'or':
        return sql`(${join(
          node.filters.map((f) => this.node(f)),
          node.op === 'and' ? ' AND ' : ' OR ',
        )})`;
      case 'not':
        return not(this.node(node.filter));
      case 'valuePath':
        assertFilterable(this.kind, node.path);
        if (node.path.attr.type !== 'complex' || node.path.sub) {
          throw ScimError.invalidFilter(`'${displayPath(node.path)}[...]' needs a complex attribute.`);
        }
        return this.collection(node.path, node.filter);
      default:
        return this.leaf(node);
    }
  }

  private leaf(node: Leaf): Sql {
    const path = node.path;
    assertFilterable(this.kind, path);
    if (path.sub && path.attr.multiValued) {
      // emails.value eq "x" is emails[value eq "x"]; ne is not-eq over the whole attribute.
      if (node.op === 'ne') return not(this.collection(path, { op: 'eq', path, value: node.value }));
      return this.collection(path, node);
    }
    if (!path.sub && path.attr.type === 'complex') {
      if (node.op !== 'pr') {
        throw ScimError.invalidFilter(`'${displayPath(path)}' is a complex attribute; compare one of its sub-attributes.`);
      }
      if (this.kind === 'Group' && path.attr.name === 'members' && !path.extension) {
        return sql`EXISTS (SELECT 1 FROM scim_group_members m WHERE m.group_seq = g.seq)`;
      }
      return jsonPresent(raw(`${this.a}.resource`), jsonPath(...resourceKeys(path)));
    }
    return leafOn(this.topSrc(path), node);
  }

  /** The source of a single-valued attribute at the top level. */
  private topSrc(path: ResolvedAttr): Src {
    const a = this.a;
    if (!path.extension) {
      const name = path.attr.name;
      if (name === 'id') return textColumn(`${a}.id`, false, false);
      if (name === 'externalId') return textColumn(`${a}.external_id`, false, true);
      if (name === 'displayName') return textColumn(`${a}.display_name_key`, true, this.kind === 'User');
      if (name === 'meta') {
        switch (path.sub?.name) {
          case 'created':
            return { kind: 'date', expr: raw(`${a}.created_at`), present: raw(`(${a}.created_at <> '')`) };
          case 'lastModified':
            return { kind: 'date', expr: raw(`${a}.last_modified`), present: raw(`(${a}.last_modified <> '')`) };
          case 'resourceType':
            return { kind: 'const', value: this.kind };
        }
      }
      if (this.kind === 'User') {
        if (name === 'userName') return textColumn('u.user_name_key', true, false);
        if (name === 'active') return { kind: 'bool', isTrue: raw('(u.active = 1)'), isFalse: raw('(u.active = 0)'), present: TRUE };
      }
    }
    if (this.kind === 'Group') {
      throw ScimError.invalidFilter(`Filtering Groups on '${displayPath(path)}' is not supported.`);
    }
    return jsonSrc(raw('u.resource'), jsonPath(...resourceKeys(path)), path);
  }

  /** `attr[filter]`: some element of a complex attribute satisfies the relative filter. */
  private collection(path: ResolvedAttr, inner: FilterNode): Sql {
    const { sub: _sub, ...attrPath } = path;
    if (this.kind === 'Group') {
      if (path.extension || path.attr.name !== 'members') {
        throw ScimError.invalidFilter(`Filtering Groups on '${displayPath(attrPath)}' is not supported.`);
      }
      return this.members(inner);
    }
    const container = jsonPath(...resourceKeys(attrPath));
    if (!path.attr.multiValued) {
      // A single-valued complex attribute (manager): the object itself is the one element.
      const root = raw('u.resource');
      const cond = elementFilter(inner, (p) => jsonSrc(root, jsonPath(...resourceKeys(p)), p));
      return sql`(json_type(u.resource, ${container}) = 'object' AND ${cond})`;
    }
    if (!path.extension && SIDE_TABLE_ATTRS.has(path.attr.name) && this.sideTableCan(inner)) {
      const cond = elementFilter(inner, (p) => this.sideSrc(p));
      return sql`u.seq IN (SELECT v.user_seq FROM scim_user_values v WHERE v.connection_id = ${param(this.connectionId)} AND v.attr = ${param(path.attr.name)} AND ${cond})`;
    }
    const cond = elementFilter(inner, (p) => jsonSrc(JSON_ELEMENT, jsonPath(p.sub!.name), p));
    return sql`(json_type(u.resource, ${container}) = 'array' AND EXISTS (SELECT 1 FROM json_each(u.resource, ${container}) e WHERE ${cond}))`;
  }

  /** Whether the side table holds everything the relative filter reads. */
  private sideTableCan(node: FilterNode): boolean {
    switch (node.op) {
      case 'and':
      case 'or':
        return node.filters.every((f) => this.sideTableCan(f));
      case 'not':
        return this.sideTableCan(node.filter);
      case 'valuePath':
        return false;
      default: {
        const sub = node.path.sub;
        if (!sub) return false;
        if (sub.name === 'value' || sub.name === 'type') {
          return ['string', 'reference', 'binary'].includes(sub.type) && !isCaseExact(node.path);
        }
        // is_primary is 0 for both false and absent, so it can only answer "primary is true".
        if (sub.name === 'primary') return (node.op === 'eq' || node.op === 'ne') && node.value === true;
        return false;
      }
    }
  }

  private sideSrc(path: ResolvedAttr): Src {
    switch (path.sub?.name) {
      case 'value':
        return textColumn('v.value_key', true, true, false);
      case 'type':
        return textColumn('v.type_key', true, true, false);
      case 'primary':
        return { kind: 'bool', isTrue: raw('(v.is_primary = 1)'), present: raw('(v.is_primary = 1)') };
      default:
        throw new Error('sideSrc: not in the side table');
    }
  }

  /** Group members: an index lookup by member id when the filter pins one, else per group. */
  private members(inner: FilterNode): Sql {
    const cond = elementFilter(inner, (p) => {
      switch (p.sub?.name) {
        case 'value':
          return textColumn('m.member_id', false, false, false);
        case 'type':
          return { ...textColumn('m.member_type', false, false, false), expr: raw('scim_fold(m.member_type)'), folded: true };
        case 'display':
          return {
            kind: 'text',
            expr: sql`scim_fold(${MEMBER_DISPLAY})`,
            folded: true,
            present: sql`(${MEMBER_DISPLAY} IS NOT NULL AND ${MEMBER_DISPLAY} <> '')`,
          };
        default:
          throw ScimError.invalidFilter(`'members.${p.sub?.name ?? ''}' cannot be used in a filter.`);
      }
    });
    const pinsMember = (n: FilterNode): boolean =>
      (n.op === 'eq' && n.path.sub?.name === 'value') || (n.op === 'and' && n.filters.some(pinsMember));
    if (pinsMember(inner)) {
      return sql`g.seq IN (SELECT m.group_seq FROM scim_group_members m WHERE ${cond})`;
    }
    return sql`EXISTS (SELECT 1 FROM scim_group_members m WHERE m.group_seq = g.seq AND ${cond})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Sorting (RFC 7644 §3.4.2.3).

/**
 * An ORDER BY body for a parsed sort, always ending in a tie-break on seq so that paging is
 * stable. RFC 7644 §3.4.2.3:
 * - resources with no data for the attribute are ordered last when ascending and first when
 *   descending ("" counts as no data);
 * - case-insensitive attributes sort by their folded value, caseExact ones as stored;
 * - a multi-valued attribute sorts by the primary element's value, else the first element's;
 *   a complex one without a sub-attribute sorts by its `value`.
 * An attribute we hold no sortable data for (password, groups, meta.location, a complex
 * attribute without `value`) has no data for any resource, so by the rule above it leaves the
 * default order.
 */
export function compileSort(sort: SortSpec, kind: ResourceKind): string {
  const a = kind === 'User' ? 'u' : 'g';
  const tieBreak = `${a}.seq ASC`;
  const key = sort.by ? sortKey(kind, sort.by) : undefined;
  if (!key) return tieBreak;
  return `${key} ${sort.descending ? 'DESC NULLS FIRST' : 'ASC NULLS LAST'}, ${tieBreak}`;
}

/** A scalar SQL expression of the sort value, NULL when the resource has none. */
function sortKey(kind: ResourceKind, resolved: ResolvedAttr): string | undefined {
  let path = resolved;
  const a = kind === 'User' ? 'u' : 'g';
  if (!path.sub && path.attr.type === 'complex') {
    const value = findSubAttr(path.attr, 'value');
    if (!value) return undefined;
    path = { ...path, sub: value };
  }
  if (!path.extension) {
    const name = path.attr.name;
    if (name === 'password' || (kind === 'User' && name === 'groups')) return undefined;
    if (name === 'id') return `${a}.id`;
    if (name === 'externalId') return `NULLIF(${a}.external_id, '')`;
    if (name === 'displayName') return `NULLIF(${a}.display_name_key, '')`;
    if (name === 'meta') {
      if (path.sub?.name === 'created') return `${a}.created_at`;
      if (path.sub?.name === 'lastModified') return `${a}.last_modified`;
      return undefined; // resourceType is the same for all; location and version are not stored
    }
    if (kind === 'User' && name === 'userName') return `NULLIF(u.user_name_key, '')`;
    if (kind === 'User' && name === 'active') return 'u.active';
  }
  if (kind === 'Group') {
    if (path.extension || path.attr.name !== 'members') return undefined;
    // The first member as listed (groups.repo lists members by id).
    const expr =
      path.sub?.name === 'value'
        ? 'm.member_id'
        : path.sub?.name === 'type'
          ? `NULLIF(scim_fold(m.member_type), '')`
          : path.sub?.name === 'display'
            ? `NULLIF(scim_fold(${MEMBER_DISPLAY.text}), '')`
            : undefined;
    return expr && `(SELECT ${expr} FROM scim_group_members m WHERE m.group_seq = g.seq ORDER BY m.member_id LIMIT 1)`;
  }
  const def = path.sub ?? path.attr;
  if (path.sub && path.attr.multiValued) {
    const container = jsonPath(...resourceKeys(path, false)).text;
    const value = scalarSortValue(JSON_ELEMENT.text, jsonPath(path.sub.name).text, path);
    if (!value) return undefined;
    // RFC 7644 §3.4.2.3: the primary element's value, else the first element's.
    return (
      `(CASE WHEN json_type(u.resource, ${container}) = 'array' THEN ` +
      `(SELECT ${value} FROM json_each(u.resource, ${container}) e ` +
      `ORDER BY (CASE WHEN e.type = 'object' THEN json_type(e.value, '$."primary"') = 'true' ELSE 0 END) DESC, e.key ASC LIMIT 1) END)`
    );
  }
  if (def.type === 'complex') return undefined;
  return scalarSortValue('u.resource', jsonPath(...resourceKeys(path)).text, path);
}

function scalarSortValue(root: string, p: string, path: ResolvedAttr): string | undefined {
  const def = path.sub ?? path.attr;
  switch (def.type) {
    case 'boolean':
      return `(CASE json_type(${root}, ${p}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
    case 'string':
    case 'reference':
    case 'binary': {
      const text = jsonText(raw(root), raw(p)).text;
      return isCaseExact(path) ? `NULLIF(${text}, '')` : `NULLIF(scim_fold(${text}), '')`;
    }
    default:
      return undefined;
  }
}
