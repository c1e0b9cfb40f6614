/**
 * `npm run bench [-- name…]`: runs the named benchmarks (all by default) and prints figures,
 * ending with one table of every ratio. Each benchmark measures a reference in the same process,
 * so a noisy machine still gives a ratio. Request logs are silenced (POWERTOOLS_LOG_LEVEL) so the
 * tables stay readable; set it to see them.
 */
export {};

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
for (const name of requested.length ? requested : Object.keys(benchmarks)) {
  console.log(`\n== ${name}`);
  await benchmarks[name as keyof typeof benchmarks]();
}
console.log('\n== summary: every ratio measured in this run');
table(ratios);
process.exit(0);
