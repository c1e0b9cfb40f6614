import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFInvalidObject, PDFName, PDFNumber, PDFString, rgb, type PDFPage } from 'pdf-lib';
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

  addSignaturePlaceholder(pdf, {
    reason: `Signed by ${input.signers.map((s) => s.name).join(', ')}`,
    contactInfo: input.signers.map((s) => s.email).join(', '),
    name: input.companyName,
    location: 'Progress Claims built-in signer',
    signingTime: new Date(input.completedAt),
  });
  // The placeholder must stay readable in the file: no object streams.
  const prepared = Buffer.from(await pdf.save({ useObjectStreams: false }));
  const { certificates, privateKey } = readPkcs12(input.certificate.p12, input.certificate.passphrase);
  const certificate = certificateOf(certificates, privateKey);
  const signingTime = new Date(input.completedAt);
  const bytes = spliceSignature(prepared, (signedBytes) => detachedSignedData({ content: signedBytes, certificate, privateKey, signingTime }));
  return { bytes, documentSha256 };
}

/*
 * The PAdES seal as @signpdf (placeholder-pdf-lib, signpdf) made it, written over pdf-lib's ES
 * build: those CommonJS packages' `require('pdf-lib')` put all of pdf-lib's exports in the
 * renderer's bundle, and with @signpdf/utils came to ~20 KB of the 500 (docs/bundles.md). The CMS
 * SignedData was ours already (shared/signature/pkcs.ts); what is left is a signature dictionary
 * with room for it and the splice below. pdfsig checks every seal in the tests.
 */

/** Bytes reserved for the CMS SignedData, written as hex (as @signpdf reserved): our certificate, signed attributes and an RSA-4096 signature take ~2.5 KB. */
const SIGNATURE_BYTES = 4096;
/** Stands for each unknown ByteRange figure until the file is written; wide enough for the figures that replace it. */
const BYTE_RANGE_PLACEHOLDER = '**********';
/** Annotation flag: print the (empty) widget. Field flags of the AcroForm: signatures exist, append only. */
const PRINT_FLAG = 4;
const SIGNATURES_EXIST_APPEND_ONLY = 1 | 2;

interface SignatureDetails {
  reason: string;
  contactInfo: string;
  name: string;
  location: string;
  signingTime: Date;
}

/**
 * A signature field (invisible widget on the first page) whose value is a signature dictionary
 * (ETSI.CAdES.detached) with a ByteRange and a zero-filled /Contents to fill in once the file is written.
 */
function addSignaturePlaceholder(pdf: PDFDocument, details: SignatureDetails): void {
  const { context, catalog } = pdf;
  const page = pdf.getPage(0);
  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const signature = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_BYTES * 2)),
    Reason: PDFString.of(details.reason),
    M: PDFString.fromDate(details.signingTime),
    ContactInfo: PDFString.of(details.contactInfo),
    Name: PDFString.of(details.name),
    Location: PDFString.of(details.location),
    Prop_Build: { Filter: { Name: 'Adobe.PPKLite' } },
  });
  // Registered as raw bytes, so pdf-lib writes it as is (never in an object stream) and the placeholders can be found.
  const raw = new Uint8Array(signature.sizeInBytes());
  signature.copyBytesInto(raw, 0);
  const widget = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      Rect: [0, 0, 0, 0],
      V: context.register(PDFInvalidObject.of(raw)),
      T: PDFString.of('Signature1'),
      F: PRINT_FLAG,
      P: page.ref,
      // An appearance stream, as PDF/A requires; empty resources, which Acrobat needs.
      AP: { N: context.register(context.formXObject([], { BBox: [0, 0, 0, 0], Resources: {} })) },
    }),
  );
  const annotations = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray) ?? context.obj([]);
  annotations.push(widget);
  page.node.set(PDFName.of('Annots'), annotations);

  let acroForm = catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (!acroForm) {
    acroForm = context.obj({ Fields: [] });
    catalog.set(PDFName.of('AcroForm'), context.register(acroForm));
  }
  const flags = acroForm.lookupMaybe(PDFName.of('SigFlags'), PDFNumber)?.asNumber() ?? 0;
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(flags | SIGNATURES_EXIST_APPEND_ONLY));
  let fields = acroForm.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (!fields) {
    fields = context.obj([]);
    acroForm.set(PDFName.of('Fields'), fields);
  }
  fields.push(widget);
}

/**
 * The written file with its ByteRange filled in (everything but the /Contents hex string) and the
 * signature over those two ranges written into /Contents; the file's length does not change.
 */
function spliceSignature(pdf: Buffer, sign: (signedBytes: Buffer) => Buffer): Buffer {
  const rangeAt = pdf.indexOf('/ByteRange');
  const rangeEnd = pdf.indexOf(']', rangeAt) + 1;
  const placeholders = pdf.subarray(rangeAt, rangeEnd).toString('latin1').split(`/${BYTE_RANGE_PLACEHOLDER}`).length - 1;
  if (rangeAt < 0 || placeholders !== 3 || pdf.indexOf('/ByteRange', rangeEnd) >= 0) {
    throw new Error('The prepared PDF must hold exactly one ByteRange placeholder');
  }
  const contentsAt = pdf.indexOf('<', pdf.indexOf('/Contents ', rangeEnd));
  const contentsEnd = pdf.indexOf('>', contentsAt) + 1;
  const byteRange = [0, contentsAt, contentsEnd, pdf.length - contentsEnd];
  const written = `/ByteRange [${byteRange.join(' ')}]`.padEnd(rangeEnd - rangeAt, ' ');
  const out = Buffer.from(pdf);
  out.write(written, rangeAt, 'latin1');
  const cms = sign(Buffer.concat([out.subarray(0, contentsAt), out.subarray(contentsEnd)]));
  if (cms.length > SIGNATURE_BYTES) throw new Error(`The signature (${cms.length} bytes) exceeds its placeholder (${SIGNATURE_BYTES})`);
  out.write(cms.toString('hex'), contentsAt + 1, 'latin1');
  return out;
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
