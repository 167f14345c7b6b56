/**
 * No import cycles, type-only ones included. `import-x/no-cycle` skips every `import type`
 * (it guards against modules that are undefined at load time), but a cycle of types still ties
 * two modules' designs together: neither can be read, moved or tested without the other. This
 * rule walks the project's relative imports of every kind (value, `import type`, `export ...
 * from`, `import()`) and reports an import that closes a cycle through at least one type-only
 * edge; cycles of value imports alone are import-x/no-cycle's to report, so nothing is said
 * twice.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** file -> its relative imports: { target file, typeOnly } (cached for the whole lint run). */
const graph = new Map();

/** `./x.js` -> `./x.ts` as TypeScript's NodeNext resolution does; null for packages or files not found. */
function resolveSpecifier(fromFile, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base, `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => /\.[mc]?[tj]s$/.test(c) && existsSync(c)) ?? null;
}

function isTypeOnlyImport(node) {
  const clause = node.importClause;
  if (!clause) return false; // `import './side-effect.js'` runs the module
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    !clause.name &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function isTypeOnlyExport(node) {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

function edgesOf(file) {
  let edges = graph.get(file);
  if (edges) return edges;
  edges = [];
  graph.set(file, edges);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return edges;
  }
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const add = (specifier, typeOnly) => {
    const target = resolveSpecifier(file, specifier);
    if (target) edges.push({ target, typeOnly });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyExport(node));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true); // `import('./x.js').T` in a type position
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The shortest way back from `start` to `home`, as the list of edges taken; null when there is none. */
function pathBack(start, home) {
  const seen = new Set([start]);
  const queue = [{ file: start, route: [] }];
  while (queue.length > 0) {
    const { file, route } = queue.shift();
    for (const edge of edgesOf(file)) {
      if (edge.target === home) return [...route, { from: file, ...edge }];
      if (seen.has(edge.target)) continue;
      seen.add(edge.target);
      queue.push({ file: edge.target, route: [...route, { from: file, ...edge }] });
    }
  }
  return null;
}

export default {
  meta: {
    type: 'problem',
    messages: {
      cycle: 'Import cycle through a type-only import: {{route}}. Move the shared types to a module both can import.',
    },
    schema: [],
  },
  create(context) {
    const home = context.physicalFilename;
    const check = (node, specifier, typeOnly) => {
      const target = resolveSpecifier(home, specifier);
      if (!target || target === home) return;
      const back = pathBack(target, home);
      if (!back) return;
      if (!typeOnly && back.every((e) => !e.typeOnly)) return; // a value cycle: import-x/no-cycle reports it
      const cwd = context.cwd;
      const route = [home, target, ...back.map((e) => e.target)].map((f) => path.relative(cwd, f)).join(' → ');
      context.report({ node, messageId: 'cycle', data: { route } });
    };
    const typeOnlyDecl = (node) =>
      node.importKind === 'type' ||
      (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration(node) {
        check(node, node.source.value, typeOnlyDecl(node));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type' || typeOnlyDecl(node));
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
    };
  },
};
