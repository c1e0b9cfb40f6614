import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import * as Package from '@pdf-lib/standard-fonts';
import { describe, expect, it } from 'vitest';
import * as Alias from '../../infra/aws/standard-fonts-helvetica';
import { buildHelveticaWinAnsi, helveticaWinAnsiPath } from '../../infra/tools/helvetica-winansi';

/**
 * The `@pdf-lib/standard-fonts` of deployed bundles (bundleAliases): Helvetica and WinAnsi alone.
 * What pdf-lib asks of them — a code point's code and glyph name, a glyph's width, a pair's
 * kerning, the font's AFM fields — must answer as the package does for every WinAnsi character,
 * and the fonts and encodings left out must refuse, not draw wrong.
 */

const packageWinAnsi = Package.Encodings.WinAnsi as unknown as { name: string; supportedCodePoints: number[]; unicodeMappings: Record<number, [number, string]> };
const names = [...new Set(Object.values(packageWinAnsi.unicodeMappings).map(([, name]) => name))];

describe('standard fonts in deployed bundles (infra/aws/standard-fonts-helvetica.ts)', () => {
  it('the committed data is what the installed package gives (else run `npx tsx infra/tools/helvetica-winansi.ts`)', () => {
    const committed = JSON.parse(inflateSync(Buffer.from(JSON.parse(readFileSync(helveticaWinAnsiPath, 'utf8')) as string, 'base64')).toString('utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildHelveticaWinAnsi())));
  });

  it("encodes every code point as the package's WinAnsi does, and refuses the others with its message", () => {
    const ours = Alias.Encodings.WinAnsi;
    expect(ours).toBe(Alias.Encodings.WinAnsi);
    expect({ name: ours.name, supportedCodePoints: ours.supportedCodePoints, unicodeMappings: ours.unicodeMappings }).toEqual({
      name: packageWinAnsi.name,
      supportedCodePoints: packageWinAnsi.supportedCodePoints,
      unicodeMappings: packageWinAnsi.unicodeMappings,
    });
    for (const codePoint of [...packageWinAnsi.supportedCodePoints, 0x41, 0x20ac, 0x3042, 0x1f600, 0x7f]) {
      expect(ours.canEncodeUnicodeCodePoint(codePoint)).toBe(Package.Encodings.WinAnsi.canEncodeUnicodeCodePoint(codePoint));
      const encode = (encoding: typeof ours) => {
        try {
          return encoding.encodeUnicodeCodePoint(codePoint);
        } catch (error) {
          return (error as Error).message;
        }
      };
      expect(encode(ours)).toEqual(encode(Package.Encodings.WinAnsi as unknown as typeof ours));
    }
  });

  it("measures every WinAnsi glyph and kerns every pair of them as the package's Helvetica does", () => {
    const ours = Alias.Font.load(Alias.FontNames.Helvetica);
    const reference = Package.Font.load(Package.FontNames.Helvetica);
    expect(Alias.Font.load('Helvetica')).toBe(ours);
    for (const name of names) expect([name, ours.getWidthOfGlyph(name)]).toEqual([name, reference.getWidthOfGlyph(name)]);
    let kerned = 0;
    for (const left of names) {
      for (const right of names) {
        const kerning = reference.getXAxisKerningForPair(left, right);
        if (kerning !== undefined) kerned++;
        if (ours.getXAxisKerningForPair(left, right) !== kerning) expect([left, right, ours.getXAxisKerningForPair(left, right)]).toEqual([left, right, kerning]);
      }
    }
    expect(kerned).toBeGreaterThan(1000);
    // The AFM fields pdf-lib reads (its name, ascender, descender, bounding box) and the rest.
    const fields = (font: object) => Object.fromEntries(Object.entries(font).filter(([key, value]) => typeof value !== 'function' && !['CharMetrics', 'KernPairs', 'CharWidths', 'KernPairXAmounts'].includes(key)));
    expect(fields(ours)).toEqual(fields(reference));
  });

  it('has no other encoding, and refuses every other standard font', () => {
    expect(Object.keys(Alias.Encodings)).toEqual(['WinAnsi']);
    for (const name of Object.values(Alias.FontNames).filter((name) => name !== 'Helvetica')) {
      expect(() => Alias.Font.load(name)).toThrow(`The standard font ${name} is not in this bundle`);
    }
  });
});
