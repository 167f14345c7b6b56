import type { ResolvedAttr } from './schema-defs.js';

/** RFC 7644 §3.4.2.2 comparison operators. */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterValue = string | number | boolean | null;

/**
 * A parsed filter whose attribute paths are resolved against the schema (canonical names,
 * types, caseExact). Inside a `valuePath` node, the inner filter's paths name sub-attributes
 * of the valuePath's attribute (`path.sub` is set, `path.attr` is the parent).
 */
export type FilterNode =
  | { op: 'and' | 'or'; filters: FilterNode[] }
  | { op: 'not'; filter: FilterNode }
  | { op: 'pr'; path: ResolvedAttr }
  | { op: CompareOp; path: ResolvedAttr; value: FilterValue }
  | { op: 'valuePath'; path: ResolvedAttr; filter: FilterNode };
