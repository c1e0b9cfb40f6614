import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSigningCertificate } from '../../shared/signature/certificates';
import { certificateOf, detachedSignedData, readPkcs12, selfIssuedCertificate } from '../../shared/signature/pkcs';
import { forgeMadeCertificate } from '../support/forge-signing-certificate';

const dir = mkdtempSync(path.join(tmpdir(), 'pkcs-'));

/** Runs openssl on files written to the test's directory; answers its exit status and output. */
function openssl(args: string[], files: Record<string, Uint8Array> = {}): { status: number | null; output: string } {
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
  const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the seal’s certificate, PKCS#12 bundle and CMS signature (Node crypto, no node-forge)', () => {
  it('makes a self-issued signing certificate OpenSSL reads: the names, ten years, not a CA, digital signature and non-repudiation', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const notBefore = new Date('2026-12-05T06:00:00Z');
    const der = selfIssuedCertificate({ commonName: 'Northbeam - invoice signing', organizationName: 'Northbeam', privateKey, publicKey, notBefore, notAfter: new Date('2036-12-02T06:00:00Z') });
    const certificate = new X509Certificate(der);
    expect(certificate.subject).toBe('CN=Northbeam - invoice signing\nO=Northbeam');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(privateKey)).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(new Date(certificate.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(Buffer.from(certificate.serialNumber, 'hex')[0]).toBe(1);
    const text = openssl(['x509', '-inform', 'DER', '-in', 'certificate.der', '-noout', '-text'], { 'certificate.der': der }).output;
    expect(text).toContain('Not After : Dec  2 06:00:00 2036 GMT');
    expect(text).toMatch(/X509v3 Key Usage: *\n *Digital Signature, Non Repudiation/);
    expect(text).toContain('CA:FALSE');
    expect(text).toContain('X509v3 Subject Key Identifier');
    // After 2049 the validity is a GeneralizedTime (RFC 5280).
    const late = new X509Certificate(selfIssuedCertificate({ commonName: 'c', organizationName: 'o', privateKey, publicKey, notBefore, notAfter: new Date('2051-01-01T00:00:00Z') }));
    expect(new Date(late.validTo).toISOString()).toBe('2051-01-01T00:00:00.000Z');
  });

  it('keeps a new certificate in a PKCS#12 bundle OpenSSL opens with the passphrase (MAC checked), and reads it back', () => {
    const { p12Base64, passphrase } = newSigningCertificate('Northbeam Bâtiments');
    const bundle = Buffer.from(p12Base64, 'base64');
    const opened = openssl(['pkcs12', '-in', 'new.p12', '-passin', `pass:${passphrase}`, '-nodes'], { 'new.p12': bundle });
    expect(opened.status, opened.output).toBe(0);
    expect(opened.output).toContain('BEGIN CERTIFICATE');
    expect(opened.output).toContain('BEGIN PRIVATE KEY');
    expect(openssl(['pkcs12', '-in', 'new.p12', '-passin', 'pass:wrong', '-nodes']).status).not.toBe(0);

    const { certificates, privateKey } = readPkcs12(bundle, passphrase);
    expect(certificates).toHaveLength(1);
    expect(new X509Certificate(certificates[0]!).subject).toBe('CN=Northbeam Batiments - invoice signing\nO=Northbeam Batiments');
    expect(new X509Certificate(certificateOf(certificates, privateKey)).checkPrivateKey(privateKey)).toBe(true);
    expect(() => readPkcs12(bundle, 'wrong')).toThrow(/MAC does not match/);
    const altered = Buffer.from(bundle);
    altered[200] = altered[200]! ^ 1;
    expect(() => readPkcs12(altered, passphrase)).toThrow();
  });

  it('reads the bundles node-forge made (3DES-shrouded key, SHA-1 MAC), which companies’ kept secrets still are', () => {
    const { certificates, privateKey } = readPkcs12(Buffer.from(forgeMadeCertificate.p12Base64, 'base64'), forgeMadeCertificate.passphrase);
    const certificate = new X509Certificate(certificateOf(certificates, privateKey));
    expect(certificate.subject).toBe('CN=Northbeam Batiments - invoice signing\nO=Northbeam Batiments');
    expect(certificate.verify(createPublicKey(privateKey))).toBe(true);
    expect(() => readPkcs12(Buffer.from(forgeMadeCertificate.p12Base64, 'base64'), 'wrong')).toThrow(/MAC does not match/);
  });

  it('signs detached CMS SignedData OpenSSL verifies over the content (SHA-256, signing time, the certificate included); other content fails', () => {
    const { certificates, privateKey } = readPkcs12(Buffer.from(forgeMadeCertificate.p12Base64, 'base64'), forgeMadeCertificate.passphrase);
    const certificate = certificateOf(certificates, privateKey);
    const content = Buffer.from('%PDF-1.7 the byte ranges of a prepared document');
    const signature = detachedSignedData({ content, certificate, privateKey, signingTime: new Date('2026-12-05T06:30:00Z') });
    const files = { 'signature.der': signature, 'content.bin': content, 'other.bin': Buffer.from('%PDF-1.7 another document') };
    const verified = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.der', '-content', 'content.bin', '-noverify', '-out', 'out.bin'], files);
    expect(verified.status, verified.output).toBe(0);
    expect(verified.output).toContain('Verification successful');
    expect(openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.der', '-content', 'other.bin', '-noverify', '-out', 'out.bin']).status).not.toBe(0);

    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'signature.der']).output;
    expect(printed).toContain('signingTime');
    expect(printed).toContain('Dec  5 06:30:00 2026 GMT');
    expect(printed).toContain('messageDigest');
    expect(printed).toContain('sha256');
    expect(printed).toContain('Northbeam Batiments - invoice signing');
  });
});
