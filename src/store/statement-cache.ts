import type Database from 'better-sqlite3';

/**
 * Most store functions call `db.prepare(sql)` inline, next to the SQL they run, because that
 * keeps each query readable where it is used. Compiling a statement costs more than running a
 * short one, and several callers prepare once per row in a loop, so the database's `prepare` is
 * wrapped with a cache keyed by the SQL text. It is bounded (least recently used goes first)
 * because filters compile to SQL whose shape the client chooses.
 */
const MAX_STATEMENTS = 500;

export function cacheStatements(db: Database.Database): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql);
      // pluck() and raw() change how a statement returns rows; a cached one may carry a
      // previous caller's choice, so it is handed out in its default state.
      if (stmt.reader) stmt.pluck(false).raw(false).expand(false);
    } else {
      stmt = compile(sql);
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, stmt);
    return stmt;
  }) as typeof db.prepare;
}
