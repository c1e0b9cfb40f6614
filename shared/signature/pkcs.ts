import { createHash, createHmac, createPrivateKey, randomBytes, sign, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import {
  algorithm,
  bitString,
  children,
  fields,
  objectIdentifier,
  objectIdentifierOf,
  octetString,
  readElement,
  sequence,
  set,
  smallInteger,
  tagged,
  time,
  unsignedInteger,
  utf8String,
  type Element,
} from './der';

/**
 * The seal's public-key formats, over Node's crypto: a self-issued X.509 certificate (RFC 5280),
 * the PKCS#12 bundle it is kept in with its key (RFC 7292) and the CMS SignedData of a PAdES
 * signature (RFC 5652; what @signpdf/signer-p12 built with node-forge, 232 KB in the renderer).
 * test/unit/pkcs.test.ts holds each to OpenSSL and to bundles node-forge made.
 */

const oids = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  certBag: '1.2.840.113549.1.12.10.1.3',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  x509Certificate: '1.2.840.113549.1.9.22.1',
};

/** A self-issued certificate for signing documents (digital signature, non-repudiation; not a CA), DER. */
export function selfIssuedCertificate(input: { commonName: string; organizationName: string; privateKey: KeyObject; publicKey: KeyObject; notBefore: Date; notAfter: Date }): Buffer {
  const name = sequence(
    set(sequence(objectIdentifier(oids.commonName), utf8String(input.commonName))),
    set(sequence(objectIdentifier(oids.organizationName), utf8String(input.organizationName))),
  );
  const extension = (oid: string, value: Buffer) => sequence(objectIdentifier(oid), octetString(value));
  const keyIdentifier = createHash('sha1').update(input.publicKey.export({ type: 'pkcs1', format: 'der' })).digest();
  const toBeSigned = sequence(
    tagged(0, smallInteger(2)), // v3
    // A positive serial: the first byte's high bit clear.
    unsignedInteger(Buffer.concat([Buffer.from([1]), randomBytes(15)])),
    algorithm(oids.sha256WithRsa),
    name,
    sequence(time(input.notBefore), time(input.notAfter)),
    name,
    input.publicKey.export({ type: 'spki', format: 'der' }),
    tagged(
      3,
      sequence(
        extension(oids.basicConstraints, sequence()),
        // digitalSignature and nonRepudiation: the first two bits, six unused.
        extension(oids.keyUsage, bitString(Buffer.from([0xc0]), 6)),
        extension(oids.subjectKeyIdentifier, octetString(keyIdentifier)),
      ),
    ),
  );
  return sequence(toBeSigned, algorithm(oids.sha256WithRsa), bitString(sign('sha256', toBeSigned, input.privateKey)));
}

// ---------------------------------------------------------------------------------------------
// PKCS#12

const pkcs12MacIterations = 2048;

/**
 * A PKCS#12 bundle of the certificate and its key: the key as an encrypted PKCS#8
 * (PBES2, AES-256-CBC, by Node), the bundle under an HMAC-SHA-256 MAC, both from `passphrase`.
 */
export function pkcs12Of(certificate: Buffer, privateKey: KeyObject, passphrase: string): Buffer {
  const encryptedKey = privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase });
  const data = (contents: Buffer) => sequence(objectIdentifier(oids.data), tagged(0, octetString(contents)));
  const certBag = sequence(objectIdentifier(oids.certBag), tagged(0, sequence(objectIdentifier(oids.x509Certificate), tagged(0, octetString(certificate)))));
  const keyBag = sequence(objectIdentifier(oids.shroudedKeyBag), tagged(0, encryptedKey));
  const authenticatedSafe = sequence(data(sequence(certBag)), data(sequence(keyBag)));
  const salt = randomBytes(16);
  const mac = createHmac('sha256', pkcs12Key('sha256', passphrase, salt, pkcs12MacIterations, 3, 32)).update(authenticatedSafe).digest();
  const macData = sequence(sequence(algorithm(oids.sha256), octetString(mac)), octetString(salt), smallInteger(pkcs12MacIterations));
  return sequence(smallInteger(3), data(authenticatedSafe), macData);
}

/** The certificate and key of a PKCS#12 bundle made here or by node-forge (key shrouded with 3DES or PBES2), its MAC checked. */
export function readPkcs12(bundle: Buffer, passphrase: string): { certificates: Buffer[]; privateKey: KeyObject } {
  const [, authSafe, macData] = fields(readElement(bundle), 2, 'PKCS#12 bundle');
  const authenticatedSafe = dataContents(authSafe!);
  if (macData) checkMac(macData, authenticatedSafe.contents, passphrase);
  const certificates: Buffer[] = [];
  let privateKey: KeyObject | undefined;
  for (const contentInfo of children(readElement(authenticatedSafe.contents))) {
    // Bundles made here and by node-forge keep both bags in plain `data`; encrypted safe contents would be another kind.
    for (const bag of children(readElement(dataContents(contentInfo).contents))) {
      const [type, value] = fields(bag, 2, 'PKCS#12 bag');
      const bagValue = readElement(value!.contents);
      if (objectIdentifierOf(type!) === oids.certBag) {
        const [certType, certValue] = fields(bagValue, 2, 'PKCS#12 certificate bag');
        if (objectIdentifierOf(certType!) === oids.x509Certificate) certificates.push(Buffer.from(readElement(certValue!.contents).contents));
      } else if (objectIdentifierOf(type!) === oids.shroudedKeyBag) {
        privateKey = createPrivateKey({ key: Buffer.from(bagValue.encoded), format: 'der', type: 'pkcs8', passphrase });
      }
    }
  }
  if (!privateKey || certificates.length === 0) throw new Error('The PKCS#12 bundle holds no key or no certificate');
  return { certificates, privateKey };
}

/** The OCTET STRING of a ContentInfo of type data. */
function dataContents(contentInfo: Element): Element {
  const [type, content] = fields(contentInfo, 2, 'ContentInfo');
  if (objectIdentifierOf(type!) !== oids.data) throw new Error('Encrypted PKCS#12 contents are not supported');
  return readElement(content!.contents);
}

function checkMac(macData: Element, authenticatedSafe: Buffer, passphrase: string): void {
  const [digestInfo, salt, iterations] = fields(macData, 2, 'PKCS#12 MAC');
  const [digestAlgorithm, mac] = fields(digestInfo!, 2, 'PKCS#12 MAC');
  const hash = ({ [oids.sha1]: 'sha1', [oids.sha256]: 'sha256' } as const)[objectIdentifierOf(children(digestAlgorithm!)[0]!)];
  if (!hash) throw new Error('Unsupported PKCS#12 MAC algorithm');
  const count = iterations ? iterations.contents.reduce((value, byte) => value * 256 + byte, 0) : 1;
  const size = hash === 'sha1' ? 20 : 32;
  const expected = createHmac(hash, pkcs12Key(hash, passphrase, salt!.contents, count, 3, size)).update(authenticatedSafe).digest();
  if (expected.length !== mac!.contents.length || !timingSafeEqual(expected, mac!.contents)) throw new Error('The PKCS#12 bundle’s MAC does not match: wrong passphrase or altered bundle');
}

/** RFC 7292 appendix B.2: key material from a password (BMPString), for the MAC (id 3). SHA-1 and SHA-256 (64-byte blocks). */
function pkcs12Key(hash: 'sha1' | 'sha256', passphrase: string, salt: Uint8Array, iterations: number, id: number, size: number): Buffer {
  const v = 64;
  const password = Buffer.alloc(passphrase.length * 2 + 2);
  for (let index = 0; index < passphrase.length; index += 1) password.writeUInt16BE(passphrase.charCodeAt(index), index * 2);
  const repeat = (bytes: Uint8Array) => {
    if (bytes.length === 0) return Buffer.alloc(0);
    const length = v * Math.ceil(bytes.length / v);
    const out = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) out[index] = bytes[index % bytes.length]!;
    return out;
  };
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([repeat(salt), repeat(password)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < size; ) {
    let block = createHash(hash).update(diversifier).update(input).digest();
    for (let round = 1; round < iterations; round += 1) block = createHash(hash).update(block).digest();
    out.push(block);
    produced += block.length;
    if (produced >= size) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of the input.
    const b = repeat(block);
    for (let offset = 0; offset < input.length; offset += v) {
      let carry = 1;
      for (let index = v - 1; index >= 0; index -= 1) {
        const sum = input[offset + index]! + b[index]! + carry;
        input[offset + index] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

// ---------------------------------------------------------------------------------------------
// CMS

/**
 * A detached CMS SignedData over `content` (RFC 5652): SHA-256, RSA PKCS#1 v1.5, the signed
 * attributes content type, signing time and message digest (what @signpdf's P12Signer signed),
 * the signer's certificate included. PAdES's ETSI.CAdES.detached and adbe.pkcs7.detached take it.
 */
export function detachedSignedData(input: { content: Uint8Array; certificate: Buffer; privateKey: KeyObject; signingTime: Date }): Buffer {
  const [toBeSigned] = fields(readElement(input.certificate), 3, 'certificate');
  const tbsFields = fields(toBeSigned!, 6, 'certificate');
  // TBSCertificate: [0] version, serialNumber, signature, issuer, …
  const [serial, , issuer] = tbsFields[0]!.tag === 0xa0 ? tbsFields.slice(1) : tbsFields;
  const attribute = (oid: string, value: Buffer) => sequence(objectIdentifier(oid), set(value));
  const signedAttributes = [
    attribute(oids.contentType, objectIdentifier(oids.data)),
    attribute(oids.signingTime, time(input.signingTime)),
    attribute(oids.messageDigest, octetString(createHash('sha256').update(input.content).digest())),
  ];
  // The signature covers the attributes as a SET; in the SignerInfo they are [0] IMPLICIT.
  const signature = sign('sha256', set(...signedAttributes), input.privateKey);
  const signerInfo = sequence(
    smallInteger(1),
    sequence(issuer!.encoded, serial!.encoded),
    algorithm(oids.sha256),
    tlv0(set(...signedAttributes)),
    algorithm(oids.rsaEncryption),
    octetString(signature),
  );
  const signedData = sequence(smallInteger(1), set(algorithm(oids.sha256)), sequence(objectIdentifier(oids.data)), tagged(0, input.certificate), set(signerInfo));
  return sequence(objectIdentifier(oids.signedData), tagged(0, signedData));
}

/** The same contents under `[0]`: a SET retagged IMPLICIT. */
const tlv0 = (setEncoding: Buffer): Buffer => Buffer.concat([Buffer.from([0xa0]), setEncoding.subarray(1)]);

/** The certificate of `certificates` whose public key is `privateKey`'s. */
export function certificateOf(certificates: readonly Buffer[], privateKey: KeyObject): Buffer {
  const found = certificates.find((der) => new X509Certificate(der).checkPrivateKey(privateKey));
  if (!found) throw new Error('No certificate of the bundle matches its private key');
  return found;
}
