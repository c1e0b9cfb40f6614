// bidi-js's ES modules (its `src`, shipped in the package): the functions its factory returns
// (dist/bidi.js, which esbuild takes on Node), each importable alone, so bundles leave out what the
// Typesetter never calls (reordering, type names, the mirroring map): 2.7 KB.
declare module 'bidi-js/src/index.js' {
  import type { Bidi } from 'bidi-js';

  export const getEmbeddingLevels: Bidi['getEmbeddingLevels'];
  export const getMirroredCharacter: Bidi['getMirroredCharacter'];
}
