import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { statusChangeAction } from '../../../shared/domain/invoice-workflow';
import { expectedVersion, reply, roleOf } from './access';
import { changeStatus } from './change';

export async function changeInvoiceStatus({ path, body, caller, headers }: HttpInput<'changeInvoiceStatus'>): Promise<Reply> {
  const { member, ...loaded } = await loadInvoiceContext(path, caller.userId);
  const role = roleOf(member, loaded.commitment);
  enforce(statusChangeAction(role, loaded.invoice.status, body.status), member, loaded.commitment);
  const updated = await changeStatus({
    loaded,
    member,
    role,
    expectedVersion: expectedVersion(headers, loaded.invoice),
    to: body.status,
    ...(body.comment ? { comment: body.comment } : {}),
    by: caller.userId,
  });
  return reply({ ...loaded, member, invoice: updated });
}
