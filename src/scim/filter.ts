/**
 * SCIM filter parsing (RFC 7644 §3.4.2.2): text → a FilterNode whose attribute paths are resolved
 * against the schema and whose values are typed by the attribute they are compared with.
 *
 * The grammar itself is parsed by `scim2-parse-filter` (operator precedence, parentheses, `not`),
 * behind a tokenizing pre-pass that does what the library gets wrong or refuses:
 *
 * - string literals are decoded here as JSON strings (RFC 7644 §3.4.2.2: compValue is a JSON
 *   string, so `\"`, `\\`, `\n`, `\u00e9` are escapes), and so are bare words that are not
 *   true/false/null/a number: Microsoft's own documentation sends `externalId eq jyoung`;
 * - `attr[inner].sub op value`, Entra's matching filter `emails[type eq "work"].value eq "x"`,
 *   becomes ONE valuePath whose inner filter is `(inner) and sub op value`: the library would
 *   split it into two unrelated clauses, which could match on two different elements;
 * - every attribute path and every value reaches the library as a placeholder (`p0`, `"0"`), so
 *   its own tokenizer (which cannot read `$ref` or escapes) never sees client text.
 *
 * Pure: no SQL here. `src/store/filter-sql.ts` compiles the result, `filter-eval.ts` evaluates it.
 */
import { parse as parseWithLibrary, type Filter as LibraryFilter } from 'scim2-parse-filter';
import { ScimError } from './errors.js';
import type { CompareOp, FilterNode, FilterValue } from './filter-ast.js';
import { findSubAttr, resolveLenientAttrPath, type AttrDef, type ResolvedAttr, type ResourceKind } from './schema-defs.js';

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 32;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['co', 'sw', 'ew']);
/** RFC 8259 number syntax: what a bare compValue must look like to be a number. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** xsd:dateTime (RFC 7643 §2.3.5), leniently: seconds, fraction and zone optional, or a bare date. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;
/** The meta sub-attributes a filter may use; the others are not stored in a filterable form. */
const FILTERABLE_META = new Set(['created', 'lastModified', 'resourceType']);

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Parses a `filter` query parameter (or SearchRequest `filter`) for a resource kind. Throws
 * `ScimError.invalidFilter` (400) for anything it cannot parse, resolve or type, never a raw error.
 */
export function parseFilter(text: string, kind: ResourceKind): FilterNode {
  return parseGuarded(text, { kind, restrict: true }, true);
}

/**
 * Parses a filter relative to the sub-attributes of `parent`, as found between the brackets of a
 * PATCH path (`emails[type eq "work"].value`, `members[value eq "id"]`,
 * `roles[primary eq "True"].display`). The paths in the result have `attr` = parent's attribute
 * and `sub` = the named sub-attribute. Evaluate it with `matchesElement`.
 */
export function parseValueFilter(text: string, kind: ResourceKind, parent: ResolvedAttr): FilterNode {
  if (parent.attr.type !== 'complex' || parent.sub) {
    throw ScimError.invalidFilter(`A value filter needs a complex attribute; '${displayPath(parent)}' has no sub-attributes to filter on.`);
  }
  return parseGuarded(text, { kind, parent, restrict: false }, false);
}

/**
 * The attributes a `filter` query may not use, with the reason. Exported so the SQL compiler can
 * refuse a hand-built tree the same way the parser refuses text.
 */
export function assertFilterable(kind: ResourceKind, path: ResolvedAttr): void {
  if (path.extension) return;
  const name = path.attr.name;
  if (name === 'password') {
    throw ScimError.invalidFilter("'password' is write-only and can never be used in a filter.");
  }
  if (kind === 'User' && name === 'groups') {
    throw ScimError.invalidFilter(
      "'groups' is derived from Group membership and cannot be used in a User filter; " +
        'query /Groups with members[value eq "<user id>"] instead.',
    );
  }
  if (name === 'meta' && (!path.sub || !FILTERABLE_META.has(path.sub.name))) {
    throw ScimError.invalidFilter(
      `'${displayPath(path)}' cannot be used in a filter; the filterable meta attributes are meta.created, meta.lastModified and meta.resourceType.`,
    );
  }
  if (kind === 'Group' && name === 'members' && path.sub?.name === '$ref') {
    throw ScimError.invalidFilter("'members.$ref' cannot be used in a filter; filter on members.value instead.");
  }
}

/** `name.givenName`, `emails.value`, or the URN form for extension attributes: for messages. */
export function displayPath(path: ResolvedAttr): string {
  const base = path.extension ? `${path.schema}:${path.attr.name}` : path.attr.name;
  return path.sub ? `${base}.${path.sub.name}` : base;
}

// ---------------------------------------------------------------------------------------------
// Pre-pass: tokenize, check the grammar with helpful messages, rewrite for the library.

type Token =
  | { t: '(' | ')' | '[' | ']'; pos: number }
  /** `.name` written immediately after `]`. */
  | { t: 'sub'; name: string; pos: number }
  | { t: 'word'; text: string; pos: number }
  | { t: 'string'; value: string; pos: number };

type RawValue =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; value: boolean; text: string }
  | { kind: 'null' };

interface Prepared {
  /** The filter as the library will read it: placeholders only. */
  text: string;
  paths: { text: string; pos: number }[];
  values: RawValue[];
}

function isDelimiter(c: string): boolean {
  return c === '(' || c === ')' || c === '[' || c === ']' || c === '"' || /\s/.test(c);
}

/** Positions in messages are 1-based character offsets into the filter as received. */
function at(pos: number): string {
  return `at character ${pos + 1}`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[') {
      tokens.push({ t: c, pos: i });
      i++;
    } else if (c === ']') {
      tokens.push({ t: ']', pos: i });
      i++;
      if (text[i] === '.') {
        const start = i++;
        while (i < text.length && !isDelimiter(text[i]!)) i++;
        const name = text.slice(start + 1, i);
        if (!name) throw ScimError.invalidFilter(`Expected a sub-attribute name after '].' ${at(start)}.`);
        tokens.push({ t: 'sub', name, pos: start + 1 });
      }
    } else if (c === '"') {
      const start = i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i]!;
        if (d === '\\') {
          i += 2;
          continue;
        }
        i++;
        if (d === '"') {
          closed = true;
          break;
        }
      }
      if (!closed) throw ScimError.invalidFilter(`Unterminated string ${at(start)}: a closing '"' is missing.`);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, i));
      } catch {
        throw ScimError.invalidFilter(
          `Invalid string ${at(start)}: values are JSON strings, so control characters must be escaped and only \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX escapes are allowed.`,
        );
      }
      tokens.push({ t: 'string', value: value as string, pos: start });
    } else {
      const start = i;
      while (i < text.length && !isDelimiter(text[i]!)) i++;
      tokens.push({ t: 'word', text: text.slice(start, i), pos: start });
    }
  }
  return tokens;
}

function describe(token: Token | undefined): string {
  if (!token) return 'the end of the filter';
  switch (token.t) {
    case 'word':
      return `'${token.text}' ${at(token.pos)}`;
    case 'string':
      return `the string ${JSON.stringify(token.value)} ${at(token.pos)}`;
    case 'sub':
      return `'.${token.name}' ${at(token.pos - 1)}`;
    default:
      return `'${token.t}' ${at(token.pos)}`;
  }
}

function classifyBareWord(word: string): RawValue {
  const lower = word.toLowerCase();
  if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true', text: word };
  if (lower === 'null') return { kind: 'null' };
  if (JSON_NUMBER.test(word)) return { kind: 'number', text: word };
  return { kind: 'string', text: word };
}

/**
 * One pass over the tokens with a small state machine (expression start → attribute path →
 * operator → value → and/or/close), which gives precise messages for malformed input, and emits
 * the placeholder text for the library.
 */
function prepare(text: string, allowBrackets: boolean): Prepared {
  const tokens = tokenize(text);
  const out: string[] = [];
  const paths: Prepared['paths'] = [];
  const values: RawValue[] = [];
  const open: { kind: '(' | '['; pos: number }[] = [];
  let state: 'expr' | 'attr' | 'value' | 'operand' = 'expr';
  let lastPath = '';
  let lastOp = '';
  /** Index in `out` just after the `[` of the valuePath being read. */
  let bracketStart = -1;
  /** Set after `].sub`: the `]` is emitted once the sub-attribute's comparison is complete. */
  let closeAfterOperand = false;

  const closePendingBracket = () => {
    if (closeAfterOperand) {
      out.push(']');
      closeAfterOperand = false;
    }
  };

  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    switch (state) {
      case 'expr': {
        if (token.t === '(') {
          open.push({ kind: '(', pos: token.pos });
          if (open.length > MAX_FILTER_DEPTH) {
            throw ScimError.invalidFilter(`The filter nests deeper than ${MAX_FILTER_DEPTH} levels.`);
          }
          out.push('(');
          continue;
        }
        if (token.t === 'word') {
          const lower = token.text.toLowerCase();
          if (lower === 'not') {
            out.push('not');
            continue;
          }
          if (lower !== 'and' && lower !== 'or') {
            out.push(`p${paths.length}`);
            paths.push({ text: token.text, pos: token.pos });
            lastPath = token.text;
            state = 'attr';
            continue;
          }
        }
        throw ScimError.invalidFilter(`Expected an attribute path, '(' or 'not' but found ${describe(token)}.`);
      }
      case 'attr': {
        if (token.t === 'word') {
          const lower = token.text.toLowerCase();
          if (COMPARE_OPS.has(lower)) {
            out.push(lower);
            lastOp = lower;
            state = 'value';
            continue;
          }
          if (lower === 'pr') {
            out.push('pr');
            state = 'operand';
            closePendingBracket();
            continue;
          }
        }
        if (token.t === '[' && !closeAfterOperand) {
          if (!allowBrackets || open.some((o) => o.kind === '[')) {
            throw ScimError.invalidFilter(`Unexpected '[' ${at(token.pos)}: value filters cannot be nested.`);
          }
          open.push({ kind: '[', pos: token.pos });
          out.push('[');
          bracketStart = out.length;
          state = 'expr';
          continue;
        }
        throw ScimError.invalidFilter(
          `Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after '${lastPath}' but found ${describe(token)}.`,
        );
      }
      case 'value': {
        if (token.t === 'string') {
          out.push(`"${values.length}"`);
          values.push({ kind: 'string', text: token.value });
        } else if (token.t === 'word') {
          out.push(`"${values.length}"`);
          values.push(classifyBareWord(token.text));
        } else {
          throw ScimError.invalidFilter(`Expected a value after '${lastPath} ${lastOp}' but found ${describe(token)}.`);
        }
        state = 'operand';
        closePendingBracket();
        continue;
      }
      case 'operand': {
        if (token.t === 'word') {
          const lower = token.text.toLowerCase();
          if (lower === 'and' || lower === 'or') {
            out.push(lower);
            state = 'expr';
            continue;
          }
        } else if (token.t === ')') {
          if (open.at(-1)?.kind !== '(') {
            throw ScimError.invalidFilter(`Unbalanced ')' ${at(token.pos)}.`);
          }
          open.pop();
          out.push(')');
          continue;
        } else if (token.t === ']') {
          if (open.at(-1)?.kind !== '[') {
            throw ScimError.invalidFilter(`Unbalanced ']' ${at(token.pos)}.`);
          }
          open.pop();
          const next = tokens[k + 1];
          if (next?.t === 'sub') {
            // attr[inner].sub op value → attr[(inner) and sub op value]: one element must satisfy both.
            k++;
            out.splice(bracketStart, 0, '(');
            out.push(')', 'and', `p${paths.length}`);
            paths.push({ text: next.name, pos: next.pos });
            lastPath = next.name;
            closeAfterOperand = true;
            state = 'attr';
            continue;
          }
          out.push(']');
          continue;
        }
        throw ScimError.invalidFilter(`Expected 'and', 'or', a closing bracket or the end of the filter but found ${describe(token)}.`);
      }
    }
  }
  if (state === 'value') throw ScimError.invalidFilter(`Expected a value after '${lastPath} ${lastOp}' but the filter ends.`);
  if (state === 'attr') {
    throw ScimError.invalidFilter(
      closeAfterOperand
        ? `'${lastPath}' after ']' needs an operator and a value in a filter (e.g. ].${lastPath} eq "...").`
        : `Expected an operator after '${lastPath}' but the filter ends.`,
    );
  }
  if (state === 'expr') throw ScimError.invalidFilter('The filter ends where an expression was expected.');
  const unclosed = open.at(-1);
  if (unclosed) {
    throw ScimError.invalidFilter(`Unbalanced '${unclosed.kind}' ${at(unclosed.pos)}: it is never closed.`);
  }
  return { text: out.join(' '), paths, values };
}

// ---------------------------------------------------------------------------------------------
// Library tree → FilterNode: resolve paths, type values.

interface Context {
  kind: ResourceKind;
  /** Set inside a valuePath (and for parseValueFilter): paths name sub-attributes of it. */
  parent?: ResolvedAttr;
  /** Apply the rules of a `filter` query (see assertFilterable); PATCH value filters do not. */
  restrict: boolean;
}

function parseGuarded(text: string, ctx: Context, allowBrackets: boolean): FilterNode {
  if (typeof text !== 'string' || text.trim() === '') throw ScimError.invalidFilter('The filter is empty.');
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  }
  try {
    const prepared = prepare(text, allowBrackets);
    let tree: LibraryFilter;
    try {
      tree = parseWithLibrary(prepared.text);
    } catch {
      throw ScimError.invalidFilter(`The filter could not be parsed: ${JSON.stringify(text)}.`);
    }
    return convert(tree, ctx, prepared, 1);
  } catch (err) {
    if (err instanceof ScimError) throw err;
    // A stack overflow or anything unforeseen is still the client's bad filter, not a 500.
    throw ScimError.invalidFilter(`The filter could not be parsed: ${JSON.stringify(text)}.`);
  }
}

function lookup<T>(list: T[], placeholder: unknown, prefix: string): T {
  const m = typeof placeholder === 'string' ? new RegExp(`^${prefix}(\\d+)$`).exec(placeholder) : null;
  const item = m ? list[Number(m[1])] : undefined;
  if (item === undefined) throw ScimError.invalidFilter('The filter could not be parsed.');
  return item;
}

function convert(f: LibraryFilter, ctx: Context, prepared: Prepared, depth: number): FilterNode {
  if (depth > MAX_FILTER_DEPTH) {
    throw ScimError.invalidFilter(`The filter nests deeper than ${MAX_FILTER_DEPTH} levels.`);
  }
  switch (f.op) {
    case 'and':
    case 'or': {
      const filters: FilterNode[] = [];
      for (const child of f.filters) {
        const node = convert(child, ctx, prepared, depth + 1);
        // (a and b) and c → and(a, b, c): same meaning, shallower tree.
        if (node.op === f.op) filters.push(...node.filters);
        else filters.push(node);
      }
      return { op: f.op, filters };
    }
    case 'not':
      return { op: 'not', filter: convert(f.filter, ctx, prepared, depth + 1) };
    case '[]': {
      const ref = lookup(prepared.paths, f.attrPath, 'p');
      if (ctx.parent) throw ScimError.invalidFilter(`Value filters cannot be nested ('${ref.text}[...]').`);
      const path = resolveTop(ctx, ref.text);
      if (path.attr.type !== 'complex' || path.sub) {
        throw ScimError.invalidFilter(`'${ref.text}[...]' needs a complex attribute; '${ref.text}' has no sub-attributes.`);
      }
      if (ctx.restrict && !path.extension && path.attr.name === 'meta') {
        throw ScimError.invalidFilter("'meta[...]' is not supported; use meta.created, meta.lastModified or meta.resourceType.");
      }
      const filter = convert(f.valFilter, { ...ctx, parent: path }, prepared, depth + 1);
      return { op: 'valuePath', path, filter };
    }
    case 'pr': {
      const ref = lookup(prepared.paths, f.attrPath, 'p');
      return { op: 'pr', path: resolve(ctx, ref.text) };
    }
    default: {
      const ref = lookup(prepared.paths, f.attrPath, 'p');
      const raw = lookup(prepared.values, f.compValue, '');
      if (!COMPARE_OPS.has(f.op)) throw ScimError.invalidFilter(`Unknown operator '${f.op}'.`);
      return comparison(f.op, resolve(ctx, ref.text), raw, ref.text);
    }
  }
}

function resolveTop(ctx: Context, text: string): ResolvedAttr {
  const path = resolveLenientAttrPath(ctx.kind, text);
  if (!path) throw ScimError.invalidFilter(`Unknown attribute '${text}' in filter for ${ctx.kind}.`);
  if (ctx.restrict) assertFilterable(ctx.kind, path);
  return path;
}

function resolve(ctx: Context, text: string): ResolvedAttr {
  const parent = ctx.parent;
  if (!parent) return resolveTop(ctx, text);
  let sub = findSubAttr(parent.attr, text);
  if (!sub && (text.includes('.') || text.toLowerCase().startsWith('urn:'))) {
    // Leniency: a full path to a sub-attribute of the same parent (`emails[emails.type eq "x"]`).
    const full = resolveLenientAttrPath(ctx.kind, text);
    if (full?.sub && full.attr === parent.attr) sub = full.sub;
  }
  if (!sub) {
    throw ScimError.invalidFilter(
      `Unknown attribute '${displayPath(parent)}.${text}' in filter: '${parent.attr.name}' has no sub-attribute '${text}'.`,
    );
  }
  const path: ResolvedAttr = { ...parent, sub };
  if (ctx.restrict) assertFilterable(ctx.kind, path);
  return path;
}

function comparison(op: CompareOp, resolved: ResolvedAttr, raw: RawValue, written: string): FilterNode {
  let path = resolved;
  const target = path.sub ?? path.attr;
  if (target.type === 'complex') {
    // RFC 7644 §3.4.2.2: a complex attribute without a sub-attribute compares its `value`.
    const value = findSubAttr(target, 'value');
    if (!value) {
      const example = target.subAttributes?.[0]?.name ?? 'value';
      throw ScimError.invalidFilter(
        `'${written}' is a complex attribute without a value; compare one of its sub-attributes instead (e.g. ${target.name}.${example}).`,
      );
    }
    path = { ...path, sub: value };
  }
  if (raw.kind === 'null') {
    // `eq null` means "has no value", `ne null` means "has a value".
    if (op === 'eq') return { op: 'not', filter: { op: 'pr', path } };
    if (op === 'ne') return { op: 'pr', path };
    throw ScimError.invalidFilter(`'${written} ${op} null': null can only be compared with eq or ne.`);
  }
  return { op, path, value: typeValue(op, path.sub ?? path.attr, raw, written) };
}

function typeValue(op: CompareOp, def: AttrDef, raw: Exclude<RawValue, { kind: 'null' }>, written: string): FilterValue {
  const shown = raw.kind === 'string' ? JSON.stringify(raw.text) : raw.text;
  switch (def.type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') {
        throw ScimError.invalidFilter(`'${written}' is a boolean; only eq, ne and pr apply to it, not ${op}.`);
      }
      if (raw.kind === 'boolean') return raw.value;
      // Entra sends booleans as the strings "True"/"False" (IDP-BEHAVIOUR §0 item 4, §1.3 item 2).
      const lower = raw.kind === 'string' ? raw.text.toLowerCase() : '';
      if (lower === 'true' || lower === 'false') return lower === 'true';
      throw ScimError.invalidFilter(`'${written}' is a boolean; expected true or false, not ${shown}.`);
    }
    case 'dateTime': {
      if (SUBSTRING_OPS.has(op)) {
        throw ScimError.invalidFilter(`'${written}' is a dateTime; ${op} does not apply to it (use eq, ne, gt, ge, lt, le).`);
      }
      const iso = raw.kind === 'string' ? normalizeDateTime(raw.text) : undefined;
      if (iso === undefined) {
        throw ScimError.invalidFilter(`'${written}' is a dateTime; ${shown} is not a valid date and time (e.g. "2024-05-13T04:42:34Z").`);
      }
      return iso;
    }
    case 'integer':
    case 'decimal': {
      if (SUBSTRING_OPS.has(op)) throw ScimError.invalidFilter(`'${written}' is a number; ${op} does not apply to it.`);
      const text = raw.kind === 'boolean' ? '' : raw.text.trim();
      const n = JSON_NUMBER.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n))) {
        throw ScimError.invalidFilter(`'${written}' is ${def.type === 'integer' ? 'an integer' : 'a decimal'}; ${shown} is not one.`);
      }
      return n;
    }
    case 'complex':
      throw ScimError.invalidFilter(`'${written}' is a complex attribute and cannot be compared with a value.`);
    default:
      // string, reference, binary: a number or boolean written bare compares as the text written.
      return raw.text;
  }
}

/**
 * Normalises a filter dateTime to the form the store keeps (`Date#toISOString`), so string order
 * is time order. A time without a zone is taken as UTC, not as the server's local time.
 */
export function normalizeDateTime(text: string): string | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m;
  let candidate = text.trim().toUpperCase().replace(' ', 'T');
  if (h !== undefined && m[8] === undefined) candidate += 'Z';
  const date = new Date(candidate);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date accepts 2024-02-31 (rolls over); a calendar date that does not exist is refused.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59)) return undefined;
  return date.toISOString();
}
