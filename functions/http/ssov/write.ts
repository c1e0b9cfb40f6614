import { problems } from '../../../shared/http/problem';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { entitiesOf } from '../../../shared/db/service';
import { Commitment } from '../../../shared/db/entities/commitment';
import type { SsovStatus } from '../../../shared/domain/ssov';
import { Sov, type SovItem } from '../../../shared/db/entities/sov';
import { Ssov, type SsovItem } from '../../../shared/db/entities/ssov';

const ssovWriteEntities = /* @__PURE__ */ entitiesOf({ Ssov, Commitment, Sov });

export interface Write {
  expectedVersion: number;
  status: SsovStatus;
  /** Attributes set on the SSOV besides status, version and updatedAt. */
  set: Partial<Pick<SsovItem, 'lines' | 'reviewComment' | 'submittedAt' | 'submittedBy' | 'reviewedAt' | 'reviewedBy'>>;
  removeReviewComment?: boolean;
  /** The SOV the change was checked against: the write fails if it moved on meanwhile. */
  checkedSov?: SovItem;
  now: string;
}

/**
 * The SSOV (conditional on the version the caller read; version 0 creates it) and the
 * commitment's `ssovStatus` (conditional on the SSOV still being allowed) in one transaction.
 * The commitment's own version is untouched: its header did not change.
 */
export async function writeSsov(projectId: string, commitmentId: string, write: Write, staleStatus: 412 | 409): Promise<SsovItem> {
  const key = { projectId, commitmentId };
  const version = write.expectedVersion + 1;
  const outcome = await writeTransactionOver(ssovWriteEntities, ({ Ssov, Commitment, Sov }) => ({
    ssov:
      write.expectedVersion === 0
        ? Ssov.create({ ...key, lines: [], ...write.set, status: write.status, version, updatedAt: write.now }).commit()
        : (write.removeReviewComment
            ? Ssov.patch(key).set({ ...write.set, status: write.status, version, updatedAt: write.now }).remove(['reviewComment'])
            : Ssov.patch(key).set({ ...write.set, status: write.status, version, updatedAt: write.now })
          )
            .where(({ version: v }, { eq }) => eq(v, write.expectedVersion))
            .commit(),
    commitment: Commitment.patch(key)
      .set({ ssovStatus: write.status })
      .where(({ ssovEnabled, accountingMethod }, { eq }) => `${eq(ssovEnabled, true)} AND ${eq(accountingMethod, 'amount')}`)
      .commit(),
    sov: write.checkedSov ? Sov.check(key).where(({ version: v }, { eq }) => eq(v, write.checkedSov!.version)).commit() : undefined,
  }));
  if (outcome.canceled) {
    const stale = 'The subcontractor SOV changed since you read it; read it again and retry.';
    throw explainFailure(
      outcome,
      {
        ssov: () => (staleStatus === 412 ? problems.preconditionFailed(stale) : problems.conflict(stale)),
        commitment: () => problems.conflict('The commitment changed meanwhile: its subcontractor SOV is no longer enabled.'),
        sov: () => problems.conflict('The commitment’s SOV changed meanwhile; read the subcontractor SOV again and retry.'),
      },
      () => problems.conflict('The subcontractor SOV could not be saved because of a concurrent change; retry.'),
    );
  }
  const previous = write.expectedVersion === 0 ? { ...key, lines: [] } : undefined;
  return { ...previous, ...write.set, ...key, status: write.status, version, updatedAt: write.now } as SsovItem;
}
