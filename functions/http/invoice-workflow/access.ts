import { loadProjectAccess } from '../../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { problems } from '../../../shared/http/problem';
import { loadCommitment, type CommitmentItem } from '../../../shared/db/commitments';
import type { ProjectItem } from '../../../shared/db/invites';
import { loadInvoice, type InvoiceItem } from '../../../shared/db/invoices';
import type { Membership } from '../../../shared/domain/permissions';
import { invoiceRole } from '../../../shared/domain/invoice-rules';
import type { WorkflowRole } from '../../../shared/domain/invoice-workflow';
import { invoiceReply } from '../../../shared/http/invoice-actions';

const noSuchInvoice = () => problems.notFound('No such invoice.');

export interface Loaded {
  project: ProjectItem;
  member: Membership;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
}

/** The caller's membership and the invoice in parallel, then its commitment (what access is decided on). */
export async function load(projectId: string, invoiceId: string, userId: string): Promise<Loaded> {
  const [{ project, member }, invoice] = await Promise.all([loadProjectAccess(projectId, userId), loadInvoice(projectId, invoiceId)]);
  if (!invoice) throw noSuchInvoice();
  const commitment = await loadCommitment(projectId, invoice.commitmentId);
  if (!commitment) throw noSuchInvoice();
  return { project, member, invoice, commitment };
}

/** Anyone who is not an invoice administrator acts as a contact; the contact's actions are then enforced. */
export const roleOf = (member: Membership, commitment: CommitmentItem): WorkflowRole => invoiceRole(member, commitment) ?? 'contact';

/** The changed invoice with what the caller may do next. */
export const reply = (access: Loaded) => invoiceReply(access);

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
