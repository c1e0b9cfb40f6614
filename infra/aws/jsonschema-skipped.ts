/**
 * Stands in for `jsonschema` in deployed bundles (`bundleAliases`, infra/aws/bundling.ts).
 * electrodb uses it for one thing: checking the entity models it is given, at construction.
 * Ours are constants, checked by the real library in every test run (tests import the code
 * unbundled) and by test/unit/bundles.test.ts; re-checking them at each cold start costs every
 * database function 28 KB and the time to compile five JSON schemas.
 */
export class Validator {
  addSchema(): void {}
  validate(): { valid: boolean; errors: never[] } {
    return { valid: true, errors: [] };
  }
}
// electrodb registers its custom formats on the prototype.
(Validator.prototype as unknown as { customFormats: Record<string, unknown> }).customFormats = {};
