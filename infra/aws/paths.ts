import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: function entries and the ASL path in `shared/wiring` are relative to it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The backup workflow, declared once as ASL and read by both runtimes. */
export const backupAslPath = path.join(repoRoot, 'shared/wiring/backup.asl.json');
