import { loadCommitment, type CommitmentItem } from '../db/commitments';
import { loadInvoice, type InvoiceItem } from '../db/invoices';
import type { ProjectItem } from '../db/entities/project';
import type { Membership } from '../domain/permissions';
import { loadProjectAccess } from './access';
import { problems } from './problem';

/** An invoice with what access to it is decided on: its project, the caller's membership there, and its commitment. */
export interface InvoiceContext {
  project: ProjectItem;
  member: Membership;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
}

/**
 * The one invoice loader: the caller's membership and the invoice in parallel, then its commitment
 * (three round trips' worth of GetItems, two in flight at once). A project the caller is not a member
 * of is 404 "No such project."; a missing invoice, or one whose commitment is gone, 404 "No such invoice.".
 * Nothing is enforced here: each operation enforces its own action on `commitment`.
 */
export async function loadInvoiceContext(path: { projectId: string; invoiceId: string }, userId: string, options: { consistent?: boolean } = {}): Promise<InvoiceContext> {
  const [{ project, member }, invoice] = await Promise.all([
    loadProjectAccess(path.projectId, userId),
    loadInvoice(path.projectId, path.invoiceId, options),
  ]);
  if (!invoice) throw problems.notFound('No such invoice.');
  const commitment = await loadCommitment(path.projectId, invoice.commitmentId);
  if (!commitment) throw problems.notFound('No such invoice.');
  return { project, member, invoice, commitment };
}
