import type { EmailRequested } from '../../events/contracts';
import type { SignatureProvider, Signer } from '../domain/signatures';
import type { SigningLinkItem } from '../db/entities/signature';

/**
 * The signature provider port: what each provider does when it is a signer's turn. Both providers
 * drive the same statuses (shared/domain/signatures.ts); everything a step sends is written with
 * the step's state change (outbox), so a step is never half done.
 */
export interface InvitationInput {
  signer: Signer;
  invoiceId: string;
  projectId: string;
  /** "Progress claim 3 - SC-001", the document's name. */
  documentName: string;
  projectName: string;
  senderName: string;
  /** The request's current `sentAt` (links name it) and expiry. */
  requestSentAt: string;
  expiresAt: string;
  /** Where the signing page is served (the API's own origin). */
  signingBaseUrl: string;
  /** Makes the email's id stable per step. */
  stepKey: string;
}

export interface Invitation {
  /** The email telling the signer it is their turn (an outbox record of the step). */
  email: EmailRequested;
  /** The built-in signer's one-time link record, stored with the step; none for a provider that hosts its own signing. */
  link?: SigningLinkItem;
}

export interface SignatureProviderPort {
  readonly provider: SignatureProvider;
  invite(input: InvitationInput): Invitation;
}
