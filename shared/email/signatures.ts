import type { EmailRequested } from '../../events/contracts';
import { renderLetter } from './letter';

/** The e-signature emails: a signer's turn (with the one-time link), and the request completed, declined or voided. */
export function signatureRequestEmail(input: {
  signer: { userId: string; name: string; email: string };
  invoiceId: string;
  documentName: string;
  projectName: string;
  senderName: string;
  expiresAt: string;
  link: string;
  stepKey: string;
}): EmailRequested {
  const letter = renderLetter({
    recipientName: input.signer.name,
    intro: `${input.senderName} asks you to sign ${input.documentName} (${input.projectName}). The link below opens the document and lets you sign it or decline; it works once.`,
    fields: [
      ['Document', input.documentName],
      ['Project', input.projectName],
      ['Link valid until', `${input.expiresAt.replace('T', ' ').slice(0, 16)} UTC`],
    ],
    action: 'Review and sign',
    link: input.link,
  });
  return {
    emailId: `signature:${input.invoiceId}:${input.stepKey}:${input.signer.userId}`,
    to: [input.signer.email],
    subject: `Please sign ${input.documentName} – ${input.projectName}`,
    ...letter,
  };
}

export type SignatureNoticeKind = 'completed' | 'declined' | 'voided';

export function signatureNoticeEmail(input: {
  kind: SignatureNoticeKind;
  recipient: { userId: string; name: string; email: string };
  invoiceId: string;
  documentName: string;
  projectName: string;
  actorName: string;
  reason?: string;
  link: string;
  stepKey: string;
  /** The signed PDF, attached to the completion email. */
  signedPdf?: { key: string; filename: string };
}): EmailRequested {
  const intro = {
    completed: `Every signer signed ${input.documentName}. The signed PDF, sealed with a digital signature, is attached.`,
    declined: `${input.actorName} declined to sign ${input.documentName}.`,
    voided: `${input.actorName} voided the signature request of ${input.documentName}; its signing links no longer work.`,
  }[input.kind];
  const letter = renderLetter({
    recipientName: input.recipient.name,
    intro,
    fields: [['Document', input.documentName], ['Project', input.projectName], ...(input.reason ? ([['Reason', input.reason]] as Array<[string, string]>) : [])],
    action: 'View the invoice',
    link: input.link,
  });
  return {
    emailId: `signature:${input.invoiceId}:${input.stepKey}:${input.recipient.userId}`,
    to: [input.recipient.email],
    subject: `${input.documentName} – signature ${input.kind} (${input.projectName})`,
    ...letter,
    ...(input.signedPdf ? { attachments: [{ key: input.signedPdf.key, filename: input.signedPdf.filename, contentType: 'application/pdf' }] } : {}),
  };
}
