import type { FilterNode } from '../scim/filter-ast.js';
import { ScimError } from '../scim/errors.js';
import { fold } from '../scim/fold.js';

/**
 * Compiles the inside of `members[...]` (a filter over one membership row, alias m) for a
 * PATCH remove such as `members[display eq "Ana"]`. Ids compare exactly, display
 * case-insensitively; `value eq` filters never get here (the PATCH engine turns them into
 * a plain list of ids).
 */
export function compileMemberFilter(node: FilterNode): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const walk = (n: FilterNode): string => {
    switch (n.op) {
      case 'and':
      case 'or':
        return `(${n.filters.map(walk).join(` ${n.op.toUpperCase()} `)})`;
      case 'not':
        return `(NOT ${walk(n.filter)})`;
      case 'valuePath':
        return walk(n.filter);
      default: {
        const sub = n.path.sub?.name ?? 'value';
        const column =
          sub === 'value' ? 'm.member_id' : sub === 'type' ? 'm.member_type' : sub === 'display' ? 'scim_fold(m.display)' : null;
        if (!column) throw ScimError.invalidFilter(`members cannot be filtered by "${sub}".`);
        if (n.op === 'pr') return `(${column} IS NOT NULL AND ${column} <> '')`;
        if (n.value === null) return n.op === 'ne' ? `${column} IS NOT NULL` : `${column} IS NULL`;
        const value = sub === 'display' ? fold(String(n.value)) : String(n.value);
        if (n.op === 'sw' || n.op === 'ew') {
          params.push(value, value);
          return n.op === 'sw' ? `substr(${column}, 1, length(?)) = ?` : `substr(${column}, -length(?)) = ?`;
        }
        params.push(value);
        const sql = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;
        if (n.op === 'co') return `instr(${column}, ?) > 0`;
        return n.op === 'ne' ? `(${column} IS NULL OR ${column} <> ?)` : `${column} ${sql[n.op]} ?`;
      }
    }
  };
  return { sql: walk(node), params };
}
