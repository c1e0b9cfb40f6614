import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../shared/pdf/invoice-pdf';
import { signInvoicePdf } from '../../shared/pdf/sign-invoice-pdf';
import { companySigningCertificate, fileCertificateStore } from '../../shared/signature/certificates';
import { threeLineInvoice } from './../support/invoice-fixtures';
import { twoSignerSealInput } from '../support/pdf-fixtures';
import { forgeMadeCertificate } from '../support/forge-signing-certificate';

const dir = mkdtempSync(path.join(tmpdir(), 'signed-pdf-'));

/** pdfsig's report on a file (it exits non-zero for an invalid signature: its output still tells). */
export function pdfsig(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const run = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

describe('signInvoicePdf', () => {
  it('stamps the signatures, appends the audit page and applies a PAdES signature pdfsig verifies; one byte changed is invalid', async () => {
    const store = fileCertificateStore(path.join(dir, 'certificates'));
    const certificate = await companySigningCertificate('company-1', 'Northbeam Bâtiments', store);
    // Kept: the second use reads the same certificate.
    expect((await companySigningCertificate('company-1', 'Northbeam Bâtiments', store)).p12.equals(certificate.p12)).toBe(true);
    const document = await renderInvoicePdf(threeLineInvoice('en-AU'));
    const { bytes, documentSha256 } = await signInvoicePdf(twoSignerSealInput(document, certificate));
    expect(documentSha256).toMatch(/^[0-9a-f]{64}$/);

    const report = pdfsig(bytes, 'signed.pdf');
    expect(report).toContain('Signature is Valid');
    expect(report).toMatch(/Signature Type: ETSI\.CAdES\.detached/);
    expect(report).toContain('Total document signed');

    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'signed.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Certificate of completion');
    expect(text).toContain(documentSha256);
    expect(text).toContain('203.0.113.9');
    expect(text).toContain('Signed electronically by Ella Ward');

    // One byte of the signed range changed: a figure on the first page's content stream, say.
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf('/Type /Catalog') + 1;
    tampered[at] = tampered[at] === 0x54 ? 0x55 : 0x54;
    expect(pdfsig(tampered, 'tampered.pdf')).toMatch(/Signature is Invalid|Digest Mismatch/);
  });
});

describe('signInvoicePdf with a certificate node-forge made', () => {
  it('seals with a company’s kept certificate from before (3DES-shrouded PKCS#12): pdfsig verifies it and names the company', async () => {
    const certificate = { p12: Buffer.from(forgeMadeCertificate.p12Base64, 'base64'), passphrase: forgeMadeCertificate.passphrase };
    const { bytes } = await signInvoicePdf(twoSignerSealInput(await renderInvoicePdf(threeLineInvoice('en-AU')), certificate));
    const report = pdfsig(bytes, 'signed-forge-certificate.pdf');
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Northbeam Batiments - invoice signing');
    expect(report).toMatch(/Signature Type: ETSI\.CAdES\.detached/);
  });
});
