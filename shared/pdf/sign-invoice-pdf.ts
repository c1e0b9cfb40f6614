import { createHash } from 'node:crypto';
import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { SignPdf } from '@signpdf/signpdf';
import { certificateOf, detachedSignedData, readPkcs12 } from '../signature/pkcs';
import type { Region } from '../domain/terminology';
import { invoiceSignatureFields, type SignatureField } from './invoice-pdf';
import { Typesetter } from './typeset';

/**
 * The built-in signer's document: the invoice PDF with each signer's visible signature stamped
 * into the G702 contractor's signature field, an audit page appended (the certificate of
 * completion: who, when, IP, user agent, the SHA-256 of the document as sent), then sealed with a
 * PAdES signature (ETSI.CAdES.detached) by the company's certificate, which any later change breaks.
 */
export interface SignedBy {
  name: string;
  email: string;
  routingOrder: number;
  sentAt?: string;
  deliveredAt?: string;
  signedAt: string;
  ip?: string;
  userAgent?: string;
  mark: { kind: 'typed'; text: string } | { kind: 'drawn'; png: Uint8Array };
}

export interface SignInvoicePdfInput {
  /** The invoice PDF as sent for signature. */
  document: Uint8Array;
  region: Region;
  /** "Invoice 3 - SC-001", the document's name on the audit page. */
  title: string;
  companyName: string;
  sentAt: string;
  sentByName: string;
  signers: readonly SignedBy[];
  certificate: { p12: Buffer; passphrase: string };
  completedAt: string;
}

export interface SignedInvoicePdf {
  bytes: Buffer;
  /** SHA-256 (hex) of the document as sent, before anything was stamped. */
  documentSha256: string;
}

const INK = rgb(0.05, 0.15, 0.45);
const GREY = rgb(0.35, 0.35, 0.35);

export async function signInvoicePdf(input: SignInvoicePdfInput): Promise<SignedInvoicePdf> {
  const documentSha256 = createHash('sha256').update(input.document).digest('hex');
  const pdf = await PDFDocument.load(input.document, { updateMetadata: false });
  const type = new Typesetter(pdf);
  const contractor = invoiceSignatureFields(input.region).find((field) => field.role === 'contractor')!;
  await stampSignatures(pdf, pdf.getPage(contractor.pageIndex), type, contractor, input.signers);
  auditPage(pdf, type, input, documentSha256);

  pdflibAddPlaceholder({
    pdfDoc: pdf,
    reason: `Signed by ${input.signers.map((s) => s.name).join(', ')}`,
    contactInfo: input.signers.map((s) => s.email).join(', '),
    name: input.companyName,
    location: 'Progress Claims built-in signer',
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    signingTime: new Date(input.completedAt),
  });
  // The placeholder must stay readable in the file: no object streams.
  const prepared = Buffer.from(await pdf.save({ useObjectStreams: false }));
  const signer = new Pkcs12Signer(input.certificate);
  // The class, not the package's default instance: a CommonJS `exports.default` is not the default
  // import under Node's ESM rules (the deployed bundle), only under the test runner's interop.
  const bytes = await new SignPdf().sign(prepared, signer, new Date(input.completedAt));
  return { bytes, documentSha256 };
}

/** @signpdf's signer over the company's PKCS#12 bundle: the CMS SignedData of shared/signature/pkcs.ts (Node's crypto). */
class Pkcs12Signer extends Signer {
  constructor(private readonly certificate: { p12: Buffer; passphrase: string }) {
    super();
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const { certificates, privateKey } = readPkcs12(this.certificate.p12, this.certificate.passphrase);
    return detachedSignedData({ content: pdfBuffer, certificate: certificateOf(certificates, privateKey), privateKey, signingTime: signingTime ?? new Date() });
  }
}

/** Each signer's mark side by side in the contractor's field, with "Signed electronically" under it. */
async function stampSignatures(pdf: PDFDocument, page: PDFPage, type: Typesetter, field: SignatureField, signers: readonly SignedBy[]): Promise<void> {
  const width = field.width / Math.max(1, signers.length);
  for (const [index, signer] of signers.entries()) {
    const x = field.x + index * width + 4;
    const room = width - 8;
    if (signer.mark.kind === 'drawn') {
      const image = await pdf.embedPng(signer.mark.png);
      const scale = Math.min(room / image.width, (field.height - 8) / image.height);
      page.drawImage(image, { x, y: field.y + 7, width: image.width * scale, height: image.height * scale });
    } else {
      const size = Math.min(13, (13 * room) / Math.max(1, type.width(signer.mark.text, 13)));
      type.draw(page, signer.mark.text, { x, y: field.y + 9, size, bold: true, color: INK });
    }
    const note = `Signed electronically by ${signer.name}, ${signer.signedAt.replace('T', ' ').slice(0, 16)} UTC`;
    type.draw(page, note, { x, y: field.y + 1.5, size: Math.min(5, (5 * room) / Math.max(1, type.width(note, 5))), color: GREY });
  }
}

/** The certificate of completion, as a last page. */
function auditPage(pdf: PDFDocument, type: Typesetter, input: SignInvoicePdfInput, documentSha256: string): void {
  // The invoice's own paper.
  const { width, height } = pdf.getPage(0).getSize();
  const page = pdf.addPage([width, height]);
  const left = 48;
  let y = height - 60;
  const line = (text: string, options: { size?: number; bold?: boolean; indent?: number; gap?: number } = {}) => {
    const size = options.size ?? 9;
    const x = left + (options.indent ?? 0);
    const room = width - x - left;
    // Long values (user agents) wrap by characters: they have few spaces.
    const perLine = Math.max(20, Math.floor((room / Math.max(1, type.width(text, size))) * text.length));
    for (let start = 0; start < text.length || start === 0; start += perLine) {
      type.draw(page, text.slice(start, start + perLine), { x, y, size, ...(options.bold ? { bold: true } : {}) });
      y -= size + 4;
      if (text.length === 0) break;
    }
    y -= options.gap ?? 0;
  };
  line('Certificate of completion', { size: 16, bold: true, gap: 6 });
  line(`Document: ${input.title}`);
  line(`SHA-256 of the document as sent: ${documentSha256}`);
  line(`Sent for signature by ${input.sentByName} at ${input.sentAt}`);
  line(`Completed at ${input.completedAt}`, { gap: 8 });
  for (const signer of input.signers) {
    line(`${signer.routingOrder}. ${signer.name} <${signer.email}>`, { size: 10, bold: true });
    if (signer.sentAt) line(`Link sent: ${signer.sentAt}`, { indent: 12 });
    if (signer.deliveredAt) line(`Opened: ${signer.deliveredAt}`, { indent: 12 });
    line(`Signed: ${signer.signedAt} (${signer.mark.kind === 'typed' ? 'typed signature' : 'drawn signature'})`, { indent: 12 });
    line(`IP address: ${signer.ip ?? 'unknown'}`, { indent: 12 });
    line(`User agent: ${signer.userAgent ?? 'unknown'}`, { indent: 12, gap: 6 });
  }
  line(
    `This document is sealed with a PAdES digital signature (ETSI.CAdES.detached) by ${input.companyName}'s signing certificate: any change after signing is detected by PDF readers and by tools such as pdfsig.`,
    { size: 8, gap: 0 },
  );
}
