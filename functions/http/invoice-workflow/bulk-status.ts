import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { HttpProblem } from '../../../shared/http/problem';
import { batchGetAll, entitiesOf } from '../../../shared/db/service';
import { Invoice } from '../../../shared/db/entities/invoice';
import type { CommitmentItem } from '../../../shared/db/commitments';
import { chunk } from '../../../shared/db/service';
import { loadCommitmentsById } from '../../../shared/db/commitments';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { InvoiceItem } from '../../../shared/db/invoices';
import { canSee, type Membership } from '../../../shared/domain/permissions';
import { staleExpectationRefusal } from '../../../shared/domain/invoice-workflow';
import type { BulkInvoiceStatusResult } from '../../../shared/api/invoice-workflow.docs';
import { roleOf } from './access';
import { changeStatus } from './change';
import { invoicesBulkStatus } from '../../../shared/domain/permission-rules';

/** Bulk changes run a few at a time: each is its own transaction and emails. */
const bulkConcurrency = 8;

const invoiceReaders = /* @__PURE__ */ entitiesOf({ Invoice });

type BulkBody = HttpInput<'bulkInvoiceStatus'>['body'];
interface BulkContext {
  project: ProjectItem;
  member: Membership;
  invoiceOf: Map<string, InvoiceItem>;
  commitmentOf: Map<string, CommitmentItem>;
  body: BulkBody;
  by: string;
}

/** One invoice's change, answered as a result: the client's refusals (404, 409, 412) are results, not failures of the batch. */
async function changeOne(context: BulkContext, { invoiceId, ...expected }: BulkBody['invoices'][number]): Promise<BulkInvoiceStatusResult> {
  const { project, member, body } = context;
  const invoice = context.invoiceOf.get(invoiceId);
  const commitment = invoice && context.commitmentOf.get(invoice.commitmentId);
  if (!invoice || !commitment || !canSee(member, 'commitments', commitment)) {
    return { invoiceId, ok: false, status: 404, detail: 'No such invoice.' };
  }
  // What the caller last read must still hold; the write is then conditional on the version read.
  const stale = staleExpectationRefusal(expected, invoice);
  if (stale) return { invoiceId, ok: false, status: 412, detail: stale };
  try {
    const updated = await changeStatus({
      loaded: { project, invoice, commitment },
      member,
      role: roleOf(member, commitment),
      expectedVersion: invoice.version,
      to: body.status,
      ...(body.comment ? { comment: body.comment } : {}),
      by: context.by,
    });
    return { invoiceId, ok: true, status: updated.status, version: updated.version };
  } catch (error) {
    if (error instanceof HttpProblem && (error.status === 404 || error.status === 409 || error.status === 412)) {
      return { invoiceId, ok: false, status: error.status, detail: error.detail };
    }
    throw error;
  }
}

export async function bulkInvoiceStatus({ path, body, caller }: HttpInput<'bulkInvoiceStatus'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(invoicesBulkStatus, member);
  const invoices = await batchGetAll(
    body.invoices.map(({ invoiceId }) => ({ projectId: project.projectId, invoiceId })),
    (keys) => invoiceReaders().Invoice.get(keys).go(),
  );
  const commitments = await loadCommitmentsById(project.projectId, [...new Set(invoices.map((i) => i.commitmentId))]);
  const context: BulkContext = {
    project,
    member,
    invoiceOf: new Map(invoices.map((i) => [i.invoiceId, i])),
    commitmentOf: new Map(commitments.map((c) => [c.commitmentId, c])),
    body,
    by: caller.userId,
  };
  const results: BulkInvoiceStatusResult[] = [];
  for (const group of chunk(body.invoices, bulkConcurrency)) results.push(...(await Promise.all(group.map((one) => changeOne(context, one)))));
  return { body: { results } };
}
