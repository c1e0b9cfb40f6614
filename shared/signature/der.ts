/**
 * ASN.1 DER, as much as the seal needs (shared/signature/pkcs.ts): writing the certificate, the
 * PKCS#12 bundle and the CMS SignedData, and walking a PKCS#12 bundle and a certificate to the
 * parts it takes. Node's crypto does the keys, hashes and signatures; this only lays out bytes.
 */

/** One DER element: tag, length, contents. */
export function tlv(tag: number, contents: Uint8Array): Buffer {
  const length = contents.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), contents]);
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));

/** A SET OF, its elements in DER's order (by their encodings). */
export const set = (...items: Uint8Array[]): Buffer => tlv(0x31, Buffer.concat([...items].map((item) => Buffer.from(item)).sort(Buffer.compare)));

/** `[n]` constructed: EXPLICIT around one element, or IMPLICIT in place of a SEQUENCE's or SET's tag. */
export const tagged = (n: number, ...items: Uint8Array[]): Buffer => tlv(0xa0 + n, Buffer.concat(items));

/** A non-negative INTEGER from its big-endian bytes (a zero byte first when the high bit is set). */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = Buffer.from(bytes.subarray(start));
  return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.from(value.toString(16).padStart(8, '0'), 'hex'));

export function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift((value % 128) | (groups.length ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const octetString = (bytes: Uint8Array): Buffer => tlv(0x04, bytes);
export const bitString = (bytes: Uint8Array, unusedBits = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));

/** X.509's and CMS's time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
export function time(at: Date): Buffer {
  const iso = at.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** An AlgorithmIdentifier with NULL parameters (RSA, SHA-2). */
export const algorithm = (oid: string): Buffer => sequence(objectIdentifier(oid), nullValue());

/** A DER element as read: its tag, its contents and its whole encoding. */
export interface Element {
  tag: number;
  contents: Buffer;
  encoded: Buffer;
}

/** The element at `offset` of `bytes` (definite lengths only: DER). */
export function readElement(bytes: Buffer, offset = 0): Element {
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('Unsupported ASN.1 length');
    length = 0;
    for (let index = 0; index < count; index += 1) length = length * 256 + bytes[offset + 2 + index]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new Error('Truncated ASN.1 element');
  return { tag, contents: bytes.subarray(offset + header, end), encoded: bytes.subarray(offset, end) };
}

/** The elements inside a constructed element's contents. */
export function children(element: Element): Element[] {
  const found: Element[] = [];
  for (let offset = 0; offset < element.contents.length; ) {
    const child = readElement(element.contents, offset);
    found.push(child);
    offset += child.encoded.length;
  }
  return found;
}

/** The dotted form of an OBJECT IDENTIFIER element. */
export function objectIdentifierOf(element: Element): string {
  if (element.tag !== 0x06) throw new Error('Expected an OBJECT IDENTIFIER');
  const [first = 0, ...rest] = element.contents;
  const arcs = [Math.floor(first / 40), first % 40];
  let value = 0;
  for (const byte of rest) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** The element's children, failing (naming `what`) when they are fewer than `count`. */
export function fields(element: Element, count: number, what: string): Element[] {
  const found = children(element);
  if (found.length < count) throw new Error(`Malformed ${what}`);
  return found;
}
