import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/**
 * Prints each Lambda function's bundle size from the last `cdk synth` (`npm run sizes`):
 * the code (index.mjs) and its source map separately, since only the code is loaded at cold start.
 */
const cdkOut = path.join(repoRoot, 'cdk.out');

interface Manifest {
  artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
}
interface Template {
  Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(cdkOut, file), 'utf8')) as T;
const kilobytes = (file: string): string => {
  try {
    return (statSync(file).size / 1024).toFixed(1);
  } catch {
    return '-';
  }
};

const rows: string[][] = [];
for (const artifact of Object.values(readJson<Manifest>('manifest.json').artifacts)) {
  const templateFile = artifact.properties?.templateFile;
  if (artifact.type !== 'aws:cloudformation:stack' || !templateFile) continue;
  for (const resource of Object.values(readJson<Template>(templateFile).Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const constructPath = String(resource.Metadata?.['aws:cdk:path'] ?? '');
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new Error(`${constructPath}: no aws:asset:path metadata (synth with asset metadata on)`);
    // `Stack/<function>/Resource` → `<function>`
    const name = constructPath.split('/').slice(-2, -1)[0] ?? constructPath;
    const code = path.join(cdkOut, assetPath, 'index.mjs');
    rows.push([name, kilobytes(code), kilobytes(`${code}.map`)]);
  }
}

const header = ['function', 'index.mjs KB', 'index.mjs.map KB'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
for (const row of [header, ...rows]) {
  process.stdout.write(`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')}\n`);
}
