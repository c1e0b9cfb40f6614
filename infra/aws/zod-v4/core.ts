/** `zod/v4/core` once `zod/v4` is aliased to this folder (see ./index.ts): zod-openapi reads the global registry. */
export { globalRegistry } from 'zod/mini';
