/**
 * `npm run bench [-- name…]`: runs the named benchmarks (all by default) and prints figures.
 * Each benchmark measures a reference in the same process, so a noisy machine still gives a ratio.
 */
import { benchmarks } from './benchmarks';

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
process.exit(0);
