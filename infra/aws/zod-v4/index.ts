/**
 * Stands in for `zod/v4` (classic zod) in deployed bundles (`bundleAliases`, infra/aws/bundling.ts).
 * Only zod-openapi imports it, for four things: the global registry, `registry` and `toJSONSchema`
 * (zod's core, the same objects zod/mini exports) and `object`, to wrap the schemas it documents
 * before converting them. Our schemas are zod/mini's, so mini's `object` serves, and the openApi
 * function carries no classic zod (its methods on every schema kind). test/unit/bundles.test.ts
 * checks the bundled function serves the same document as the code unbundled.
 */
export { globalRegistry, object, registry, toJSONSchema } from 'zod/mini';
