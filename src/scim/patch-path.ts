/**
 * The `path` of a PATCH operation, RFC 7644 §3.5.2:
 *
 *     PATH = attrPath / valuePath [subAttr]
 *
 * `userName`, `name.givenName`, `urn:...:enterprise:2.0:User:manager`, `emails[type eq "work"]`,
 * `emails[type eq "work"].value`, `addresses[type eq "work"].locality`. Attribute names are
 * case-insensitive (RFC 7643 §2.1), so Entra's `emails[type eq "other"].Value` resolves too.
 */
import { ScimError } from './errors.js';
import { parseValueFilter } from './filter.js';
import type { FilterNode } from './filter-ast.js';
import { findSubAttr, resolveLenientAttrPath, type AttrDef, type ResolvedAttr, type ResourceKind } from './schema-defs.js';

export interface PatchPath {
  /**
   * The attribute the path names. `attr.sub` is set when the path names a sub-attribute, either
   * directly (`name.givenName`) or after a value filter (`emails[type eq "work"].value`).
   */
  attr: ResolvedAttr;
  /** The value filter of a valuePath, relative to the sub-attributes of `attr.attr`. */
  filter?: FilterNode;
  /** Same as `attr.sub`, for convenience. */
  subAttr?: AttrDef;
}

/** Index of the `]` closing the `[` at `open`, skipping quoted strings (which may hold `]`). */
function closingBracket(path: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < path.length; i++) {
    const ch = path[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[') depth++;
    else if (ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export function parsePatchPath(path: string, kind: ResourceKind): PatchPath {
  const text = path.trim();
  if (text === '') throw ScimError.invalidPath('The PATCH path is empty.');
  const open = text.indexOf('[');
  if (open === -1) {
    const r = resolveLenientAttrPath(kind, text);
    if (!r) throw ScimError.invalidPath(`"${path}" is not a known attribute path of a ${kind}.`);
    return r.sub ? { attr: r, subAttr: r.sub } : { attr: r };
  }

  const close = closingBracket(text, open);
  if (close === -1) throw ScimError.invalidPath(`"${path}": the value filter opened with "[" is never closed.`);
  const attrText = text.slice(0, open).trim();
  const filterText = text.slice(open + 1, close);
  const rest = text.slice(close + 1);

  const parent = resolveLenientAttrPath(kind, attrText);
  if (!parent) throw ScimError.invalidPath(`"${attrText}" in "${path}" is not a known attribute of a ${kind}.`);
  if (parent.sub)
    throw ScimError.invalidPath(`"${path}": a value filter must follow a multi-valued attribute, not the sub-attribute "${attrText}".`);
  if (!parent.attr.multiValued || parent.attr.type !== 'complex')
    throw ScimError.invalidPath(
      `"${path}": "${parent.attr.name}" is not a multi-valued complex attribute, so it cannot take a value filter.`,
    );
  if (filterText.trim() === '') throw ScimError.invalidPath(`"${path}": the value filter is empty.`);

  let filter: FilterNode;
  try {
    filter = parseValueFilter(filterText, kind, parent);
  } catch (err) {
    if (err instanceof ScimError) throw ScimError.invalidPath(`"${path}": invalid value filter: ${err.detail}`);
    throw err;
  }

  if (rest === '') return { attr: parent, filter };
  const subMatch = /^\.([A-Za-z$][\w$-]*)$/.exec(rest);
  if (!subMatch) throw ScimError.invalidPath(`"${path}": only ".subAttribute" may follow a value filter, not "${rest}".`);
  const sub = findSubAttr(parent.attr, subMatch[1]!);
  if (!sub) throw ScimError.invalidPath(`"${path}": "${subMatch[1]}" is not a sub-attribute of ${parent.attr.name}.`);
  return { attr: { ...parent, sub }, filter, subAttr: sub };
}
