import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { loadAttachment, loadAttachments, toAttachmentResponse } from './attachments';
import { invoicesView } from '../../../shared/domain/permission-rules';

export async function listAttachments({ path, caller }: HttpInput<'listAttachments'>): Promise<Reply> {
  const { invoice, member, commitment } = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesView, member, commitment);
  const uploaded = (await loadAttachments(invoice.projectId, invoice.invoiceId))
    .filter((item) => item.status === 'uploaded')
    .sort((a, b) => a.uploadedAt!.localeCompare(b.uploadedAt!) || a.attachmentId.localeCompare(b.attachmentId));
  return { body: { items: await Promise.all(uploaded.map(toAttachmentResponse)), nextCursor: null } };
}

export async function getAttachment({ path, caller }: HttpInput<'getAttachment'>): Promise<Reply> {
  const { invoice, member, commitment } = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesView, member, commitment);
  return { body: await toAttachmentResponse(await loadAttachment(invoice.projectId, invoice.invoiceId, path.attachmentId)) };
}
