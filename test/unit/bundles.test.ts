import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functions } from '../../shared/wiring/functions';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The route table (and so every HTTP function) imports the API schemas: they must stay free of
 * the database and AWS clients, or every function — /health included — bundles them.
 */
describe('bundles', () => {
  it.each(['health', 'openApi', 'docs'] as const)('%s bundles no database or AWS SDK code', async (name) => {
    const result = await build({
      entryPoints: [path.join(root, functions[name].entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => /node_modules\/(electrodb|@aws-sdk)\//.test(input))).toEqual([]);
  });
});
