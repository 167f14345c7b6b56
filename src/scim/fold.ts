/**
 * Case folding for attributes that compare case-insensitively (RFC 7643 caseExact=false).
 * Done in JavaScript rather than SQLite's NOCASE, which folds ASCII only: "ÉLODIE" and
 * "élodie" must collide for uniqueness exactly as they match in a filter.
 */
export function fold(s: string): string {
  return s.normalize('NFC').toLowerCase();
}
