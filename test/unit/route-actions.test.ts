/**
 * `route.action` is what each operation's code actually checks: read statically from the source,
 * the policy actions an operation's handler mentions (in its body and, transitively, in every
 * function of the repository it calls, and the rows of shared/domain/permission-rules.ts it names)
 * must be exactly the actions its route declares.
 *
 * shared/domain/allowed-actions.ts both enforces and reports. A route ENFORCES an action by calling
 * its refusal (`invoiceActionRefusal('delete', …)`): only that action's case is followed. A route
 * REPORTS every action (`invoiceAllowedActions(…)` for `allowedActions`): not followed, since
 * reporting refuses nothing. Instead each resource's table of actions must be exactly the actions
 * some route enforces through the same refusal function, so no reported action lacks its route.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/wiring/routes';
import { functions } from '../../shared/wiring/functions';
import { policy } from '../../shared/domain/permission-policy';
import * as rules from '../../shared/domain/permission-rules';
import { billingPeriodActions, commitmentActions, inviteActions, invoiceActions, statusChangeTargets } from '../../shared/domain/allowed-actions';

const root = path.resolve(import.meta.dirname, '../..');
const actions = new Set(Object.keys(policy));
const sources = new Map<string, ts.SourceFile>();
const allowedActionsModule = path.join(root, 'shared/domain/allowed-actions.ts');
/** The matrix's rows, each exported by name: code enforces a row by naming it (`enforce(invoicesView, …)`). */
const rulesModule = path.join(root, 'shared/domain/permission-rules.ts');
const ruleNames = new Set(Object.keys(rules));
/** Each refusal function of allowed-actions.ts and the table of the actions it decides. */
const refusalTables: Record<string, readonly string[]> = {
  invoiceActionRefusal: invoiceActions,
  commitmentActionRefusal: commitmentActions,
  billingPeriodActionRefusal: billingPeriodActions,
  inviteActionRefusal: inviteActions,
};
/** The invoice's status changes: one refusal for all of them, the target status its argument. */
const statusChangeRefusal = 'statusChangeRefusal';

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

interface Reached {
  /** Policy actions (permission-rules.ts) the code can refuse the request with. */
  policy: Set<string>;
  /** Resource actions enforced through allowed-actions' refusals, as `<refusal function>:<action>`. */
  enforced: Set<string>;
}

/** The switch clause of `refusal` deciding `action`: its `case 'action':`, or `default:` when none names it. */
function clauseFor(refusal: ts.Node, action: string): ts.CaseOrDefaultClause {
  let clauses: readonly ts.CaseOrDefaultClause[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isSwitchStatement(node)) clauses = node.caseBlock.clauses;
    else ts.forEachChild(node, visit);
  };
  visit(refusal);
  const clause =
    clauses.find((c) => ts.isCaseClause(c) && ts.isStringLiteralLike(c.expression) && c.expression.text === action) ?? clauses.find(ts.isDefaultClause);
  if (!clause) throw new Error(`no case for '${action}' in its refusal`);
  return clause;
}

/**
 * The policy actions mentioned by `node` and by every repository function it calls, transitively;
 * into allowed-actions.ts, only what enforces (see the top of this file).
 */
function actionsReachedFrom(file: string, node: ts.Node, reached: Reached = { policy: new Set(), enforced: new Set() }, visited = new Set<ts.Node>()): Reached {
  const follow = (target: { file: string; node: ts.Node }) => {
    if (visited.has(target.node)) return;
    visited.add(target.node);
    actionsReachedFrom(target.file, target.node, reached, visited);
  };
  const visit = (current: ts.Node) => {
    if (ts.isStringLiteralLike(current) && actions.has(current.text)) reached.policy.add(current.text);
    // A row named by the code: its declaration holds the action's literal.
    if (ts.isIdentifier(current) && ruleNames.has(current.text) && !(ts.isPropertyAccessExpression(current.parent) && current.parent.name === current)) {
      const declaration = declarationOf(file, current.text);
      if (declaration?.file === rulesModule) follow(declaration);
    }
    const callee = ts.isCallExpression(current) ? current.expression : ts.isShorthandPropertyAssignment(current) ? current.name : undefined;
    if (callee && ts.isIdentifier(callee)) {
      const declaration = declarationOf(file, callee.text);
      const name = callee.text;
      if (declaration?.file === allowedActionsModule && name.endsWith('AllowedActions')) {
        // Reports: refuses nothing.
      } else if (declaration?.file === allowedActionsModule && name in refusalTables) {
        const [first] = ts.isCallExpression(current) ? current.arguments : [];
        if (!first || !ts.isStringLiteralLike(first)) throw new Error(`${name} must be called with the action as a literal (${current.getText()})`);
        reached.enforced.add(`${name}:${first.text}`);
        // The refusal's own statements before its switch (the caller's role), then the action's clause only.
        const body = (declaration.node as ts.FunctionDeclaration).body!;
        for (const statement of body.statements) if (!ts.isSwitchStatement(statement)) follow({ file: declaration.file, node: statement });
        follow({ file: declaration.file, node: clauseFor(declaration.node, first.text) });
      } else if (declaration) {
        if (declaration.file === allowedActionsModule && name === statusChangeRefusal) {
          for (const action of Object.keys(statusChangeTargets)) reached.enforced.add(`invoiceActionRefusal:${action}`);
        }
        follow(declaration);
      }
    }
    ts.forEachChild(current, visit);
  };
  visit(node);
  return reached;
}

/** The handler of `operationId` in its function's entry: httpHandler's function, or httpRouter's property of that name. */
function operationNode(entry: string, operationId: string): ts.Node {
  let operation: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      // The area's routes come first (httpHandler(routes, operationId, handle), httpRouter(routes, handlers)).
      const [, first, second] = node.arguments;
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

const reachedBy = new Map(
  routes.map((route) => {
    const entry = path.join(root, functions[route.function].entry);
    return [route.operationId, actionsReachedFrom(entry, operationNode(entry, route.operationId))] as const;
  }),
);

describe('route.action', () => {
  it.each(routes.map((route) => [route.operationId, route] as const))('%s declares the actions its handler checks', (operationId, route) => {
    expect([...reachedBy.get(operationId)!.policy].sort()).toEqual(declared(route.action));
  });
});

describe('allowedActions', () => {
  it.each(Object.entries(refusalTables))('%s: every action it reports is enforced by a route through the same refusal', (refusal, table) => {
    const enforced = new Set<string>();
    for (const reached of reachedBy.values()) {
      for (const key of reached.enforced) if (key.startsWith(`${refusal}:`)) enforced.add(key.slice(refusal.length + 1));
    }
    expect([...enforced].sort()).toEqual([...table].sort());
  });
});
