/**
 * `npm run bench [-- name…]`: runs the named benchmarks (all by default) and prints figures,
 * ending with one table of every ratio. Each benchmark measures a reference in the same process,
 * so a noisy machine still gives a ratio. Request logs are silenced (POWERTOOLS_LOG_LEVEL) so the
 * tables stay readable; set it to see them.
 *
 * Several benchmarks run one after another, each in a process of its own: each starts its own
 * local servers on new ports, and the SDK clients (one per process) keep the endpoint they were
 * created with. Each child writes its ratios to BENCH_RATIOS_FILE for the final table.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Imported after the log level is set: the handlers' logger reads it when it is created.
const { benchmarks } = await import('./benchmarks');
const { ratios, table } = await import('./stats');

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; choose from: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(1);
}
const names = requested.length ? requested : Object.keys(benchmarks);
const ratiosFile = process.env.BENCH_RATIOS_FILE;
let exitCode = 0;

if (names.length === 1) {
  console.log(`\n== ${names[0]}`);
  await benchmarks[names[0] as keyof typeof benchmarks]();
  if (ratiosFile) fs.writeFileSync(ratiosFile, JSON.stringify(ratios));
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ratios-'));
  const failed: string[] = [];
  for (const name of names) {
    const file = path.join(dir, `${name}.json`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), name], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_RATIOS_FILE: file },
    });
    if (child.status !== 0) failed.push(name);
    if (fs.existsSync(file)) ratios.push(...(JSON.parse(fs.readFileSync(file, 'utf8')) as typeof ratios));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  if (failed.length) {
    console.log(`\nfailed: ${failed.join(', ')}`);
    exitCode = 1;
  }
}
if (!ratiosFile) {
  console.log('\n== summary: every ratio measured in this run');
  table(ratios);
}
process.exit(exitCode);
