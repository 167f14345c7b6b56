/**
 * DESIGN principle 5: `src/store` is the only place that knows SQL. An import rule keeps
 * better-sqlite3 out of the other layers, but a `Db` handle travels through all of them (the
 * directory and the worker pass it to the store), so this rule also refuses, outside
 * `src/store`, any call that hands SQL text to SQLite: a method of a better-sqlite3 Database
 * (`db.prepare`, `db.exec`, `db.pragma`, ...) recognised by its type, not by its name (so
 * `RegExp.prototype.exec` is not mistaken for SQL). `db.transaction(fn)` takes no SQL and stays
 * allowed: grouping store calls in one transaction is the directory's and the worker's job.
 */
/** The Database methods that take SQL, or change the engine under the store's feet. */
const SQL_METHODS = new Set(['prepare', 'exec', 'pragma', 'function', 'aggregate', 'table', 'loadExtension', 'backup', 'serialize']);

/** A better-sqlite3 Database (the class or its instance type), however it was imported or aliased. */
function isSqliteDatabase(type) {
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (!symbol) return false;
  return (symbol.getDeclarations() ?? []).some((d) => /[\\/]@types[\\/]better-sqlite3[\\/]/.test(d.getSourceFile().fileName));
}

export default {
  meta: {
    type: 'problem',
    messages: {
      sql: '`{{method}}` hands SQL to SQLite outside src/store (DESIGN principle 5): add a repository function in src/store and call it.',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) throw new Error('no-sql-outside-store needs type information (parserOptions.projectService)');
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        if (!SQL_METHODS.has(callee.property.name)) return;
        if (!isSqliteDatabase(services.getTypeAtLocation(callee.object))) return;
        context.report({
          node,
          messageId: 'sql',
          data: { method: `${context.sourceCode.getText(callee.object)}.${callee.property.name}` },
        });
      },
    };
  },
};
