import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { Entity } from 'electrodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { budgetKbOf, deployedEsbuildOptions, deployedEsbuildOptionsOf, functionAliases, functionNames, isHttpFunction, overBudget } from '../../infra/aws/bundling';
import { functions, type FunctionName } from '../../shared/wiring/functions';
import { entities } from '../../shared/db/table';
import { openApiDocument } from '../../shared/http/openapi';

const root = path.resolve(import.meta.dirname, '../..');


/**
 * Every function bundled as CDK bundles it (infra/aws/bundling.ts): minified ESM for Node 22, the SDK left to the runtime;
 * one build for the functions without aliases of their own (`functionAliases`), one for each that has them.
 */
async function bundleAll(): Promise<Record<FunctionName, Metafile['outputs'][string]>> {
  const own = functionNames.filter((name) => functionAliases[name]);
  const groups = [functionNames.filter((name) => !functionAliases[name]), ...own.map((name) => [name])];
  const outputs = (
    await Promise.all(
      groups.map(async (names) => {
        const result = await build({
          ...deployedEsbuildOptionsOf(names[0]!),
          entryPoints: Object.fromEntries(names.map((name) => [name, path.join(root, functions[name].entry)])),
          outdir: path.join(root, 'cdk.out', 'budget-test'),
          write: false,
          metafile: true,
        });
        return Object.entries(result.metafile.outputs);
      }),
    )
  ).flat();
  return Object.fromEntries(
    functionNames.map((name) => {
      const output = outputs.find(([file]) => path.basename(file) === `${name}.js`);
      if (!output) throw new Error(`no bundle for ${name}`);
      return [name, output[1]];
    }),
  ) as Record<FunctionName, Metafile['outputs'][string]>;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const packagesIn = (output: Metafile['outputs'][string]) =>
  new Set(Object.keys(output.inputs).flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));

let bundles: Record<FunctionName, Metafile['outputs'][string]>;
beforeAll(async () => {
  bundles = await bundleAll();
}, 120_000);

describe('bundles', () => {
  /**
   * Every HTTP function imports its areas' API schemas (and openApi all of them): they must stay
   * free of the database and AWS clients, or every function — /health included — bundles them.
   */
  it.each(['health', 'openApi', 'docs'] as const)('%s bundles no database or AWS SDK code', (name) => {
    const inputs = Object.keys(bundles[name].inputs);
    expect(inputs.filter((input) => /node_modules\/(electrodb|@aws-sdk)\//.test(input))).toEqual([]);
  });

  it('leave the AWS SDK to the Lambda runtime', () => {
    for (const name of functionNames) expect([...packagesIn(bundles[name])].filter((pkg) => pkg.startsWith('@aws-sdk/')), name).toEqual([]);
  });

  it('keep the PDF library out of HTTP functions (invoice PDFs come from renderInvoicePdf)', () => {
    for (const name of functionNames.filter(isHttpFunction)) {
      expect([...packagesIn(bundles[name])].filter((pkg) => /pdf-lib|fontkit|pako/.test(pkg)), name).toEqual([]);
    }
  });

  it("keep the routes' documentation (summaries, answer schemas: shared/api/*.docs.ts) out of every function but openApi", () => {
    const documentation = (input: string) =>
      /\.docs\.ts$|^shared\/wiring\/route-docs\.ts$|^shared\/http\/openapi\.ts$|^shared\/api\/invoice-answers\.ts$/.test(input);
    for (const name of functionNames.filter((n) => n !== 'openApi')) expect(Object.keys(bundles[name].inputs).filter(documentation), name).toEqual([]);
    expect(Object.keys(bundles.openApi.inputs).filter(documentation).length).toBeGreaterThan(20);
  });

  it('keep the pdf-lib fork that decrypts (@cantoo/pdf-lib) to the backup step that decrypts, out of the merge', () => {
    const withFork = functionNames.filter((name) => packagesIn(bundles[name]).has('@cantoo/pdf-lib'));
    expect(withFork).toEqual(['backupDecryptSources']);
  });

  it("carry electrodb's entities without its Service (shared/db/electrodb.ts: the package index would bring it)", () => {
    for (const name of functionNames) {
      expect(Object.keys(bundles[name].inputs).filter((input) => input.endsWith('electrodb/src/service.js')), name).toEqual([]);
    }
  });

  it('stay within their budget: 300 KB minified for HTTP functions, 500 KB for the others', () => {
    const over = functionNames
      .filter((name) => !overBudget[name])
      .map((name) => ({ name, kb: kb(bundles[name].bytes), budgetKb: budgetKbOf(name) }))
      .filter((row) => row.kb > row.budgetKb);
    expect(over).toEqual([]);
  });

  it('known exceptions grow no further than their ceiling, and leave the list once within budget', () => {
    for (const [name, { ceilingKb }] of Object.entries(overBudget) as [FunctionName, { ceilingKb: number }][]) {
      const size = kb(bundles[name].bytes);
      expect(size, `${name} grew past its ceiling`).toBeLessThanOrEqual(ceilingKb);
      expect(size, `${name} is within budget now: remove it from overBudget`).toBeGreaterThan(budgetKbOf(name));
    }
  });

  it("skip electrodb's model validator in deployed bundles, while the models pass the real one here", async () => {
    // Tests import electrodb unbundled, with the real jsonschema: every entity was checked at import,
    // and a bad model is still refused.
    expect(Object.keys(entities).length).toBeGreaterThan(10);
    expect(() => new Entity({ model: { entity: 'broken' }, attributes: {}, indexes: {} } as never)).toThrow();
    expect(Object.keys(bundles.getMe.inputs).filter((input) => input.includes('jsonschema'))).toEqual(['infra/aws/jsonschema-skipped.ts']);
    // A bundled database function still loads: its entities are built at import with the stand-in.
    const outfile = path.join(root, 'cdk.out', 'budget-test', 'getMe.mjs');
    await build({ ...deployedEsbuildOptions, entryPoints: [path.join(root, functions.getMe.entry)], outfile, write: true, metafile: false });
    const loaded = (await import(outfile)) as { handler?: unknown };
    expect(typeof loaded.handler).toBe('function');
  });

  it('bundle zod/mini, never classic zod (its methods carry every schema kind and the JSON Schema conversion)', () => {
    for (const name of functionNames) expect(Object.keys(bundles[name].inputs).filter((input) => input.includes('node_modules/zod/v4/classic/')), name).toEqual([]);
  });

  it("serve zod-openapi's classic zod import with zod/mini in deployed bundles, and the bundled openApi function the same document", async () => {
    expect(Object.keys(bundles.openApi.inputs).filter((input) => input.startsWith('infra/aws/zod-v4/')).sort()).toEqual(['infra/aws/zod-v4/core.ts', 'infra/aws/zod-v4/index.ts']);
    const outfile = path.join(root, 'cdk.out', 'budget-test', 'openApi.mjs');
    await build({ ...deployedEsbuildOptions, entryPoints: [path.join(root, functions.openApi.entry)], outfile, write: true, metafile: false });
    const { handler } = (await import(outfile)) as { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }> };
    const event = { routeKey: 'GET /openapi.json', rawPath: '/openapi.json', headers: {}, requestContext: { requestId: 'bundle-test', http: { method: 'GET', path: '/openapi.json' } } };
    const answer = await handler(event, { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10_000 });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(openApiDocument());
  });
});
