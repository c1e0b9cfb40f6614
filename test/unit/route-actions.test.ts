/**
 * `route.action` is what each operation's code actually checks: read statically from the source,
 * the policy actions an operation's handler mentions (in its body and, transitively, in every
 * function of the repository it calls) must be exactly the actions its route declares.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/wiring/routes';
import { functions } from '../../shared/wiring/functions';
import { policy } from '../../shared/domain/permissions';

const root = path.resolve(import.meta.dirname, '../..');
const actions = new Set(Object.keys(policy));
const sources = new Map<string, ts.SourceFile>();

function sourceFile(file: string): ts.SourceFile {
  let source = sources.get(file);
  if (!source) {
    source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    sources.set(file, source);
  }
  return source;
}

function resolveModule(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined; // packages enforce nothing of ours
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
}

/** The declaration `name` refers to in `file`: a top-level function or const there, or what an import of it names. */
function declarationOf(file: string, name: string, seen = new Set<string>()): { file: string; node: ts.Node } | undefined {
  if (seen.has(`${file}#${name}`)) return undefined;
  seen.add(`${file}#${name}`);
  for (const statement of sourceFile(file).statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return { file, node: statement };
    if (ts.isVariableStatement(statement)) {
      const declaration = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
      if (declaration) return { file, node: declaration };
    }
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const bindings = statement.importClause?.namedBindings;
      const imported = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((e) => e.name.text === name) : undefined;
      const target = imported && resolveModule(file, statement.moduleSpecifier.text);
      if (imported && target) return declarationOf(target, (imported.propertyName ?? imported.name).text, seen);
    }
  }
  return undefined;
}

/** The policy actions mentioned by `node` and by every repository function it calls, transitively. */
function actionsReachedFrom(file: string, node: ts.Node, visited = new Set<ts.Node>()): Set<string> {
  const found = new Set<string>();
  const visit = (current: ts.Node) => {
    if (ts.isStringLiteralLike(current) && actions.has(current.text)) found.add(current.text);
    const callee = ts.isCallExpression(current) ? current.expression : ts.isShorthandPropertyAssignment(current) ? current.name : undefined;
    if (callee && ts.isIdentifier(callee)) {
      const declaration = declarationOf(file, callee.text);
      if (declaration && !visited.has(declaration.node)) {
        visited.add(declaration.node);
        for (const action of actionsReachedFrom(declaration.file, declaration.node, visited)) found.add(action);
      }
    }
    ts.forEachChild(current, visit);
  };
  visit(node);
  return found;
}

/** The handler of `operationId` in its function's entry: httpHandler's function, or httpRouter's property of that name. */
function operationNode(entry: string, operationId: string): ts.Node {
  let operation: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const [first, second] = node.arguments;
      if (node.expression.text === 'httpHandler' && first && ts.isStringLiteral(first) && first.text === operationId) operation = second;
      if (node.expression.text === 'httpRouter' && first && ts.isObjectLiteralExpression(first)) {
        operation ??= first.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === operationId);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile(entry));
  if (!operation) throw new Error(`${operationId}: no handler found in ${entry}`);
  return operation;
}

const declared = (action: (typeof routes)[number]['action']) => [...(action === null ? [] : typeof action === 'string' ? [action] : action)].sort();

describe('route.action', () => {
  it.each(routes.map((route) => [route.operationId, route] as const))('%s declares the actions its handler checks', (operationId, route) => {
    const entry = path.join(root, functions[route.function].entry);
    const enforced = [...actionsReachedFrom(entry, operationNode(entry, operationId))].sort();
    expect(enforced).toEqual(declared(route.action));
  });
});
