/**
 * Stands in for `pako` (45 KB) in deployed bundles (`bundleAliases`, infra/aws/bundling.ts):
 * zlib's deflate and inflate in JavaScript, which pdf-lib compresses content streams with and
 * its standard fonts unpack their metrics with — Node's own zlib does the same natively. The
 * calls made: `deflate(bytes)` (pdf-lib; @pdf-lib/upng's PNG encoder passes `{ level }`) and
 * `inflate(bytes)`. test/unit/pdf-bundle.test.ts runs the PDF code bundled with it.
 */
import { deflateSync, inflateSync } from 'node:zlib';

const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

export function deflate(data: Uint8Array, options?: { level?: number }): Uint8Array {
  return bytesOf(deflateSync(data, options?.level === undefined ? {} : { level: options.level }));
}

export function inflate(data: Uint8Array): Uint8Array {
  return bytesOf(inflateSync(data));
}

export default { deflate, inflate };
