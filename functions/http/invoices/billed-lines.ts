import type { CommitmentItem } from '../../../shared/db/commitments';
import type { StoredSovLine } from '../../../shared/db/invoices';
import type { SovLine } from '../../../shared/domain/sov';
import { entitiesOf } from '../../../shared/db/service';
import { Sov } from '../../../shared/db/entities/sov';
import { Ssov } from '../../../shared/db/entities/ssov';

const sovReaders = /* @__PURE__ */ entitiesOf({ Sov, Ssov });

/** The SOV lines an invoice bills: the SOV (with approved change-order lines) and, with SSOV, its sub-lines for reference. */
export async function billedLines(commitment: CommitmentItem): Promise<StoredSovLine[]> {
  const key = { projectId: commitment.projectId, commitmentId: commitment.commitmentId };
  const [{ data: sov }, ssov] = await Promise.all([
    sovReaders().Sov.get(key).go({ consistent: true }),
    commitment.ssovEnabled ? sovReaders().Ssov.get(key).go({ consistent: true }) : Promise.resolve(undefined),
  ]);
  const subLines = ssov?.data?.lines ?? [];
  return ((sov?.lines ?? []) as SovLine[]).map((line) => {
    const subs = subLines.filter((s) => s.parentLineId === line.lineId);
    const stored: StoredSovLine = {
      ...storedSovLine(line),
      ...(subs.length > 0 && { subLines: subs.map((s) => ({ subLineId: s.subLineId, description: s.description, amountCents: s.amountCents })) }),
    };
    return stored;
  });
}

/** An SOV line as an invoice (subcontractor or owner) keeps it: the fields it bills by, nothing else. */
export function storedSovLine(line: SovLine): StoredSovLine {
  return {
    lineId: line.lineId,
    description: line.description,
    scheduledValueCents: line.scheduledValueCents,
    ...(line.costCode !== undefined && { costCode: line.costCode }),
    ...(line.changeOrderId !== undefined && { changeOrderId: line.changeOrderId }),
    ...(line.quantity !== undefined && { quantity: line.quantity }),
    ...(line.unitPrice !== undefined && { unitPrice: line.unitPrice }),
    ...(line.unitOfMeasure !== undefined && { unitOfMeasure: line.unitOfMeasure }),
  };
}
