import type { InvoiceItem } from '../db/invoices';
import type { CommitmentItem } from '../db/entities/commitment';
import type { ProjectItem } from '../db/entities/project';
import { termsFor } from '../domain/terminology';

/** "Invoice 3 - SC-001.pdf", in the project's terminology: apart from the renderer, so HTTP functions name PDFs without bundling the PDF library. */
export function invoicePdfFilename(project: Pick<ProjectItem, 'region'>, invoice: Pick<InvoiceItem, 'number'>, commitment: Pick<CommitmentItem, 'number'>) {
  return `${termsFor(project.region).invoice} ${invoice.number} - ${commitment.number}.pdf`;
}
