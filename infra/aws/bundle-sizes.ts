import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { FunctionName } from '../../shared/wiring/functions';
import { budgetKbOf } from './bundling';
import { repoRoot } from './paths';

/**
 * `npm run sizes [-- --runs 5 --save before.json --before before.json]`: each Lambda function's
 * bundle from the last `cdk synth` — the code (index.mjs; its source map is not loaded at cold
 * start), its budget, and its cold-start import time: a fresh Node process per run timing
 * `import()` of the built bundle (the median of `--runs`). The SDK, which Lambda's runtime
 * provides, is imported unbundled from node_modules, as Lambda does from its runtime.
 * `--save` writes the figures as JSON; `--before` prints a saved run beside this one.
 */
const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    save: { type: 'string' },
    before: { type: 'string' },
  },
});
const runs = Number(options.runs);
const cdkOut = path.join(repoRoot, 'cdk.out');

interface Manifest {
  artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
}
interface Template {
  Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
}
interface Figures {
  name: string;
  codeKb: number;
  mapKb: number;
  importMs?: number;
  importCpuMs?: number;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const kilobytes = (file: string): number => {
  try {
    return statSync(file).size / 1024;
  } catch {
    return Number.NaN;
  }
};

/** Each function's bundle directory in cdk.out, in template order. */
function bundles(): Array<{ name: string; dir: string }> {
  const found: Array<{ name: string; dir: string }> = [];
  for (const artifact of Object.values(readJson<Manifest>(path.join(cdkOut, 'manifest.json')).artifacts)) {
    const templateFile = artifact.properties?.templateFile;
    if (artifact.type !== 'aws:cloudformation:stack' || !templateFile) continue;
    for (const resource of Object.values(readJson<Template>(path.join(cdkOut, templateFile)).Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const constructPath = String(resource.Metadata?.['aws:cdk:path'] ?? '');
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') throw new Error(`${constructPath}: no aws:asset:path metadata (synth with asset metadata on)`);
      // `Stack/<function>/Resource` → `<function>`
      found.push({ name: constructPath.split('/').slice(-2, -1)[0] ?? constructPath, dir: path.join(cdkOut, assetPath) });
    }
  }
  return found;
}

// What the handlers read at import time in Lambda; none of it is reached while importing.
const lambdaLikeEnv = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'ap-southeast-2',
  TABLE_NAME: 'table',
  BUCKET_NAME: 'bucket',
  EVENT_BUS_NAME: 'bus',
  EMAIL_FROM: 'billing@example.com',
  FRONTEND_BASE_URL: 'https://app.example.com',
  POWERTOOLS_SERVICE_NAME: 'progress-claims',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
// Wall time, and CPU time (user + system), which a busy machine inflates far less.
const importScript =
  "const t = performance.now(); const c = process.cpuUsage(); await import('./index.mjs'); const u = process.cpuUsage(c); process.stdout.write(`${performance.now() - t} ${(u.user + u.system) / 1000}`);";
const run = promisify(execFile);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function importTimes(dir: string): Promise<{ importMs?: number; importCpuMs?: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    try {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', importScript], { cwd: dir, env: lambdaLikeEnv });
      const [wallMs, cpuMs] = stdout.split(' ').map(Number);
      wall.push(wallMs!);
      cpu.push(cpuMs!);
    } catch (error) {
      process.stderr.write(`${dir}: import failed: ${(error as Error).message.split('\n')[0]}\n`);
      return {};
    }
  }
  return { importMs: median(wall), importCpuMs: median(cpu) };
}

const figures: Figures[] = [];
for (const { name, dir } of bundles()) {
  const code = path.join(dir, 'index.mjs');
  figures.push({ name, codeKb: kilobytes(code), mapKb: kilobytes(`${code}.map`), ...(await importTimes(dir)) });
}
if (options.save) writeFileSync(options.save, `${JSON.stringify(figures, null, 1)}\n`);
const before = new Map(options.before ? readJson<Figures[]>(options.before).map((row) => [row.name, row]) : []);

const kb = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(1));
const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(0));
const header = [
  'function',
  ...(before.size ? ['before KB'] : []),
  'index.mjs KB',
  'map KB',
  'budget KB',
  'within',
  ...(before.size ? ['before import ms', 'before CPU ms'] : []),
  `import ms`,
  'CPU ms',
];
const rows = figures.map((row) => {
  const budget = budgetKbOf(row.name as FunctionName);
  const earlier = before.get(row.name);
  return [
    row.name,
    ...(before.size ? [kb(earlier?.codeKb)] : []),
    kb(row.codeKb),
    kb(row.mapKb),
    String(budget),
    row.codeKb <= budget ? 'yes' : 'NO',
    ...(before.size ? [ms(earlier?.importMs), ms(earlier?.importCpuMs)] : []),
    ms(row.importMs),
    ms(row.importCpuMs),
  ];
});
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
rows.push([
  'all',
  ...(before.size ? [kb(sum([...before.values()].map((row) => row.codeKb)))] : []),
  kb(sum(figures.map((row) => row.codeKb))),
  kb(sum(figures.map((row) => row.mapKb))),
  '',
  `${figures.filter((row) => row.codeKb <= budgetKbOf(row.name as FunctionName)).length}/${figures.length}`,
  ...(before.size ? ['', ''] : []),
  '',
  '',
]);
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
process.stdout.write(`Import times: medians of ${runs} fresh Node processes importing each bundle (wall, and CPU user + system).\n`);
for (const row of [header, ...rows]) {
  process.stdout.write(`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')}\n`);
}
