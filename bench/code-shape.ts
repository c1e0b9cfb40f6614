/**
 * `npm run shape [-- <git revision>]`: the code-shape figures of issue 9, for the working tree
 * or a commit (e.g. `npm run shape -- 23d939d` for the base). Static counts over the sources;
 * each figure names the pattern it counts so the table can be re-checked by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';

const revision = process.argv[2];
const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const files = (revision ? git('ls-tree', '-r', '--name-only', revision) : git('ls-files', '--cached', '--others', '--exclude-standard'))
  .split('\n')
  .filter((path) => /^(functions|shared)\/.*\.ts$/.test(path) && (revision || existsSync(path)));
const source = new Map(files.map((path) => [path, revision ? git('show', `${revision}:${path}`) : readFileSync(path, 'utf8')]));
const lines = (path: string) => source.get(path)!.split('\n');

/**
 * The longest function in a file: `name: async (` properties, `function name(` declarations and
 * multi-line `const name = (async) (…) =>` arrows (the split handler folders use all three), to the `}` at their indent.
 */
function longestFunction(path: string): { name: string; lines: number } {
  const text = lines(path);
  let best = { name: '', lines: 0 };
  text.forEach((line, start) => {
    const match = /^(\s*)(?:(\w+): async \(|(?:export )?(?:async )?function (\w+)|(?:export )?const (\w+)(?:: [^=]+)? = (?:async )?\()/.exec(line);
    if (!match || line.trimEnd().endsWith(';')) return;
    const indent = match[1]!;
    const end = text.findIndex((l, i) => i > start && l.startsWith(`${indent}}`));
    const length = end < 0 ? 0 : end - start + 1;
    if (length > best.lines) best = { name: `${path}:${match[2] ?? match[3] ?? match[4]}`, lines: length };
  });
  return best;
}

const count = (pattern: RegExp, only: (path: string) => boolean = () => true) =>
  [...source].filter(([path]) => only(path)).reduce((sum, [, text]) => sum + (text.match(new RegExp(pattern, 'g'))?.length ?? 0), 0);
const filesMatching = (pattern: RegExp, only: (path: string) => boolean = () => true) =>
  [...source].filter(([path, text]) => only(path) && pattern.test(text)).length;

const httpFiles = files.filter((path) => path.startsWith('functions/http/'));
const largestHandler = httpFiles.map(longestFunction).sort((a, b) => b.lines - a.lines)[0]!;
const largestFile = files.filter((path) => path.startsWith('functions/')).map((path) => ({ path, lines: lines(path).length })).sort((a, b) => b.lines - a.lines)[0]!;
const invoiceCode = (path: string) => !path.endsWith('ssov.ts') && !path.startsWith('shared/db/invites');

/** Relative imports of a file, resolved to repository paths. */
function importsOf(path: string): string[] {
  return [...source.get(path)!.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].flatMap(([, spec]) => {
    const base = posix.normalize(posix.join(posix.dirname(path), spec!));
    return [`${base}.ts`, `${base}/index.ts`].filter((candidate) => source.has(candidate)).slice(0, 1);
  });
}
const layering = files.flatMap((path) => {
  const specs = [...source.get(path)!.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => m[1]!);
  if (path.startsWith('shared/domain/')) return specs.filter((s) => /^\.\.\/(api|db|http|aws)\b|^electrodb$|^@aws-sdk\//.test(s)).map((s) => `${path} → ${s}`);
  if (path.startsWith('shared/db/')) return specs.filter((s) => /^\.\.\/(api|http)\b/.test(s)).map((s) => `${path} → ${s}`);
  return [];
});
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (path: string) => {
    state.set(path, 'open');
    stack.push(path);
    for (const next of importsOf(path)) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, 'done');
  };
  for (const path of files) if (!state.has(path)) visit(path);
  return found;
}
const foundCycles = cycles();

const rows: Array<[string, string | number, string]> = [
  ['largest HTTP handler function (lines)', `${largestHandler.lines} (${largestHandler.name})`, 'functions/http: `name: async (` / `function name(` / `const name = (` to its closing brace'],
  ['largest file in functions/ (lines)', `${largestFile.lines} (${largestFile.path})`, 'wc -l'],
  ['due-date rule definitions', count(/today\s*(?:>|<=)\s*[\w.]*dueDate|op\.gte\([\w.]*dueDate/, invoiceCode), '`today > dueDate` / `op.gte(dueDate` (invoices)'],
  ['editable-status lists', count(/\[\s*'draft',\s*'revise_and_resubmit'\s*\]|op\.eq\(attr\.status, 'draft'\)/, invoiceCode), "`['draft', 'revise_and_resubmit']` literals and inline where"],
  ['invoice loaders', count(/async function (?:invoiceFor|load|loadInvoiceAccess|loadInvoiceContext)\(/), 'invoiceFor / load / loadInvoiceAccess / loadInvoiceContext'],
  ['files computing the invoice role from policy rows', filesMatching(/authorize\(invoices(?:Review|CreateOnBehalf), member, (?:loaded\.)?commitment\)\.allowed|allowed\(invoicesCreateAsContact/), 'authorize(invoicesReview|invoicesCreateOnBehalf).allowed'],
  ['`type ProjectItem =` definitions', count(/type ProjectItem = /), 'grep'],
  ['`busy()` definitions', count(/const busy = /), 'grep'],
  ['positional `.code` reads', count(/data\[\d+\]\??\.code|\[\w*,[\w ,]*\] = (?:\w+\.)?data|codesOf\(|failed\(\d\)|codes\[\d\]|code(?:At)?\(\w+, \d\)/), 'data[i].code, destructured data, codes[i]'],
  ["`type: 'any'` entity columns", count(/type: 'any'/, (path) => path.startsWith('shared/db/entities/')), 'shared/db/entities'],
  ['layering violations', layering.length, 'domain → api/db/http/aws/electrodb/@aws-sdk; db → api/http'],
  ['import cycles', foundCycles.length, 'relative imports in functions/ and shared/'],
];
console.log(`code shape of ${revision ?? 'the working tree'}\n`);
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value, how] of rows) console.log(`${name.padEnd(width)}  ${String(value).padEnd(52)}  ${how}`);
if (layering.length) console.log(`\nlayering:\n  ${layering.join('\n  ')}`);
if (foundCycles.length) console.log(`\ncycles:\n  ${foundCycles.map((c) => c.join(' → ')).join('\n  ')}`);
