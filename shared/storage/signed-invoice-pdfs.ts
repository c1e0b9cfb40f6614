import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../aws/s3';
import { config } from '../config';
import type { SignatureRequest } from '../domain/signatures';
import type { ProjectItem } from '../db/entities/project';
import type { InvoiceItem } from '../db/invoices';
import { signInvoicePdf, type SignedBy } from '../pdf/sign-invoice-pdf';
import { companySigningCertificate } from '../signature/certificates';
import { signedInvoicePdfKey } from './keys';

/** What the renderer answers for a signed invoice: where the signed PDF is and what was signed. */
export interface StoredSignedPdf {
  key: string;
  sizeBytes: number;
  /** SHA-256 (hex) of the invoice PDF as sent, before stamping and sealing. */
  documentSha256: string;
}

export async function readObject(key: string): Promise<Uint8Array> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }));
  return object.Body!.transformToByteArray();
}

/**
 * Signs the invoice PDF stored at `documentKey` for a completed request (every signer's mark and
 * audit facts in `request`), sealed with the company's certificate, and stores it (once per request).
 */
export async function storeSignedInvoicePdf(input: {
  project: ProjectItem;
  companyName: string;
  /** The invoice (or owner invoice: its id as `invoiceId`) signed. */
  invoice: Pick<InvoiceItem, 'invoiceId'>;
  documentKey: string;
  title: string;
  request: SignatureRequest;
  sentByName: string;
  completedAt: string;
}): Promise<StoredSignedPdf> {
  const { project, invoice, request } = input;
  const [document, certificate, signers] = await Promise.all([
    readObject(input.documentKey),
    companySigningCertificate(project.companyId, input.companyName),
    Promise.all(
      request.signers.map(async (signer): Promise<SignedBy> => {
        if (!signer.mark || !signer.signedAt) throw new Error(`Signer ${signer.userId} has not signed`);
        return {
          name: signer.name,
          email: signer.email,
          routingOrder: signer.routingOrder,
          signedAt: signer.signedAt,
          ...(signer.sentAt ? { sentAt: signer.sentAt } : {}),
          ...(signer.deliveredAt ? { deliveredAt: signer.deliveredAt } : {}),
          ...(signer.ip ? { ip: signer.ip } : {}),
          ...(signer.userAgent ? { userAgent: signer.userAgent } : {}),
          mark: signer.mark.kind === 'typed' ? signer.mark : { kind: 'drawn', png: await readObject(signer.mark.imageKey) },
        };
      }),
    ),
  ]);
  const { bytes, documentSha256 } = await signInvoicePdf({
    document,
    region: project.region,
    title: input.title,
    companyName: input.companyName,
    sentAt: request.sentAt,
    sentByName: input.sentByName,
    signers,
    certificate,
    completedAt: input.completedAt,
  });
  const key = signedInvoicePdfKey({ companyId: project.companyId, projectId: project.projectId, invoiceId: invoice.invoiceId }, request.invoiceVersion, request.sentAt);
  await s3Client().send(
    new PutObjectCommand({ Bucket: config.bucketName, Key: key, Body: bytes, ContentType: 'application/pdf', Metadata: { 'document-sha256': documentSha256 } }),
  );
  return { key, sizeBytes: bytes.length, documentSha256 };
}
