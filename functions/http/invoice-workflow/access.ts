import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { problems } from '../../../shared/http/problem';
import type { CommitmentItem } from '../../../shared/db/commitments';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { Membership } from '../../../shared/domain/permissions';
import { invoiceRole } from '../../../shared/domain/invoice-rules';
import type { WorkflowRole } from '../../../shared/domain/invoice-workflow';
import { invoiceReply } from '../../../shared/http/invoice-actions';
import type { InvoiceContext } from '../../../shared/http/invoice-context';

/** An invoice in context without the caller's membership: what a change (one, or one of a bulk) is made on. */
export type Loaded = Omit<InvoiceContext, 'member'>;

/** Anyone who is not an invoice administrator acts as a contact; the contact's actions are then enforced. */
export const roleOf = (member: Membership, commitment: CommitmentItem): WorkflowRole => invoiceRole(member, commitment) ?? 'contact';

/** The changed invoice with what the caller may do next. */
export const reply = (access: InvoiceContext) => invoiceReply(access);

/**
 * The version a change applies to: If-Match is required (428 without), 412 when it is not the
 * version just read. The write is then conditional on it, so a change landing between the read
 * and the write loses too.
 */
export function expectedVersion(headers: Record<string, string | undefined>, invoice: InvoiceItem): number {
  const expected = requiredIfMatch(headers, invoice.version);
  if (expected !== invoice.version) throw problems.preconditionFailed(`If-Match ${etagFor(expected)} is not the invoice's current ETag; read it again.`);
  return expected;
}
