// fontkit 3's modular entries (ESM, untyped): the engine without formats or shapers, and the
// parts shared/pdf/typeset.ts registers. Typed as pdf-lib types the fontkit it drives, except
// the subset, which fontkit 2+ encodes in one call (pdf-lib 1.17 expects a stream).
declare module 'fontkit/core' {
  import type { Font, Glyph } from 'pdf-lib/es/types/fontkit';

  export interface FontkitSubset {
    includeGlyph(glyph: number | Glyph): number;
    encode(): Uint8Array;
  }
  export type FontkitFont = Omit<Font, 'createSubset'> & { createSubset(): FontkitSubset };
  export function create(buffer: Uint8Array): FontkitFont;
  export function registerFormat(format: unknown): void;
  export function registerShaper(shaper: unknown, scripts?: string[]): void;
}
declare module 'fontkit/formats/TTFFont' {
  export const TTFFont: unknown;
}
declare module 'fontkit/shapers/ArabicShaper' {
  export const ArabicShaper: unknown;
}
declare module 'fontkit/shapers/HangulShaper' {
  export const HangulShaper: unknown;
}
