/** The project's hold setting: the subcontractor invoices an owner invoice includes follow its status (DOMAIN.md). */
import { invoiceEventWrite } from '../../../shared/db/invoices';
import type { WriteEntities, WriteItem } from '../../../shared/db/transaction';
import type { OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { heldInvoiceChanges, maxHeldInvoices, type HeldInvoiceChange } from '../../../shared/domain/held-invoices';
import { problems } from '../../../shared/http/problem';
import { ownerInvoiceEntities } from './entities';

export interface HeldInvoiceWrite extends HeldInvoiceChange {
  version: number;
}

/**
 * The included subcontractor invoices that move with the owner invoice going to `to` (none when the
 * project's setting is off or the invoice was never pre-filled), each at the version read now.
 */
export async function heldInvoiceMoves(project: Pick<ProjectItem, 'ownerApprovalHoldsSubcontractorInvoices'>, invoice: OwnerInvoiceItem, to: string): Promise<HeldInvoiceWrite[]> {
  const included = invoice.prefill?.includedInvoices ?? [];
  if (!project.ownerApprovalHoldsSubcontractorInvoices || included.length === 0) return [];
  const { data } = await ownerInvoiceEntities()
    .Invoice.get(included.map(({ invoiceId }) => ({ projectId: invoice.projectId, invoiceId })))
    .go({ consistent: true, attributes: ['invoiceId', 'status', 'version'] });
  const versions = new Map(data.map((item) => [item.invoiceId, item.version]));
  const moves = heldInvoiceChanges(to, included, new Map(data.map((item) => [item.invoiceId, item.status])));
  if (moves.length > maxHeldInvoices) {
    throw problems.conflict(
      `This owner invoice includes ${moves.length} subcontractor invoices to move with it; one status change moves at most ${maxHeldInvoices}. Turn the project’s ownerApprovalHoldsSubcontractorInvoices off, or move them in bulk first.`,
    );
  }
  return moves.map((move) => ({ ...move, version: versions.get(move.invoiceId)! }));
}

/** The transaction items moving each held invoice at its read version, with its history entry naming the owner invoice. */
export function heldInvoiceWrites(entities: Pick<WriteEntities, 'Invoice' | 'InvoiceEvent'>, invoice: OwnerInvoiceItem, moves: readonly HeldInvoiceWrite[], by: string, at: string): Record<string, WriteItem> {
  const why = (move: HeldInvoiceWrite) =>
    move.to === 'pending_owner_approval' ? `Owner invoice ${invoice.number}, which includes it, was sent to the owner.` : `The owner answered owner invoice ${invoice.number}, which includes it.`;
  return Object.fromEntries(
    moves.flatMap((move, index) => [
      [
        `held${index}`,
        entities.Invoice.patch({ projectId: invoice.projectId, invoiceId: move.invoiceId })
          .set({ status: move.to, updatedAt: at })
          .add({ version: 1 })
          .where((attr, op) => `${op.eq(attr.version, move.version)} AND ${op.eq(attr.status, move.from)}`)
          .commit(),
      ],
      [
        `heldEvent${index}`,
        invoiceEventWrite(entities, { projectId: invoice.projectId, invoiceId: move.invoiceId, type: 'status_changed', by, at, fromStatus: move.from, toStatus: move.to, comment: why(move) }),
      ],
    ]),
  );
}
