import { ScimError } from './errors.js';
import { resolveLenientAttrPath, type ResolvedAttr, type ResourceKind } from './schema-defs.js';

/** `sortBy` and `sortOrder` read (RFC 7644 §3.4.2.3), for the store to turn into its ORDER BY. */
export interface SortSpec {
  /** The attribute to sort by; null for the default order. */
  by: ResolvedAttr | null;
  descending: boolean;
}

/**
 * RFC 7644 §3.4.2.3: sortOrder is "ascending" (the default) or "descending", case-insensitive;
 * anything else is a 400 invalidValue, with or without a sortBy. A sortBy that names no
 * attribute has no data for any resource, so it leaves the default order: it is not an error
 * (which attributes hold sortable data is the store's to say).
 */
export function parseSort(sortBy: string | undefined, sortOrder: string | undefined, kind: ResourceKind): SortSpec {
  let descending = false;
  if (sortOrder !== undefined && sortOrder.trim() !== '') {
    const order = sortOrder.trim().toLowerCase();
    if (order === 'descending') descending = true;
    else if (order !== 'ascending') {
      throw ScimError.invalidValue(`sortOrder must be "ascending" or "descending", not "${sortOrder}".`);
    }
  }
  const by = sortBy === undefined || sortBy.trim() === '' ? undefined : resolveLenientAttrPath(kind, sortBy.trim());
  return { by: by ?? null, descending };
}
