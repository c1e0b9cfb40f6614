import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../../shared/http/openapi';

/**
 * Writes the OpenAPI document /openapi.json serves to a file, for tools that read files
 * (`npm run lint:openapi`, `npm run openapi:types`), and prints its path.
 * Usage: tsx infra/local/openapi-file.ts [file]   (default: a file in the temp folder)
 */
const file = process.argv[2] ?? path.join(os.tmpdir(), 'progress-claims-openapi.json');
fs.writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
process.stdout.write(`${file}\n`);
