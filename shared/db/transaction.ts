/**
 * Write transactions whose items have names, so a cancellation is read by name
 * ("the period check failed") and never by position in the item list.
 */
import { randomUUID } from 'node:crypto';
import type { Entity, Service, TransactionItemCode } from 'electrodb';
import { createWriteTransaction } from './electrodb';
import { db, transactWithRetry, type dbService } from './service';

type Write = ReturnType<typeof dbService>['transaction']['write'];
type AnyEntity = Entity<any, any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any entity of the table
/** The given entities as a transaction's items are built from them. */
type WriteView<E extends Record<string, AnyEntity>> = Parameters<Parameters<Service<E>['transaction']['write']>[0]>[0];
/** The entities a transaction's items are built from. */
export type WriteEntities = Parameters<Parameters<Write>[0]>[0];
/** One item of a write transaction: an entity's `create/patch/delete/check(…).commit()`. */
export type WriteItem = ReturnType<Parameters<Write>[0]>[number];

export interface WriteOutcome<N extends string> {
  canceled: boolean;
  /** The items whose condition failed, in the order they were named. */
  failed: N[];
}

/**
 * Runs the named items as one transaction over the given entities (an `entitiesOf` accessor: the
 * function bundles only those), retried on a bare TransactionConflict (see transactWithRetry). An
 * absent item (`undefined`) is left out, e.g. a check that only applies to contacts. `idempotent`
 * sends a client token, so the SDK's own retries of one attempt cannot apply it twice.
 */
export async function writeTransactionOver<E extends Record<string, AnyEntity>, N extends string>(
  entities: () => E,
  items: (entities: WriteView<E>) => Partial<Record<N, WriteItem>>,
  options: { idempotent?: boolean } = {},
): Promise<WriteOutcome<N>> {
  let names: N[] = [];
  const outcome = await transactWithRetry(() =>
    createWriteTransaction(entities(), (view) => {
      const named = (Object.entries(items(view as WriteView<E>)) as Array<[N, WriteItem | undefined]>).filter(
        (entry): entry is [N, WriteItem] => entry[1] !== undefined,
      );
      names = named.map(([name]) => name);
      return named.map(([, item]) => item);
    }).go(options.idempotent ? { token: randomUUID() } : undefined),
  );
  const codes = (outcome.data as ReadonlyArray<{ code?: TransactionItemCode } | undefined>).map((item) => item?.code);
  const failed = outcome.canceled ? names.filter((_, index) => codes[index] === 'ConditionalCheckFailed') : [];
  return { canceled: outcome.canceled, failed };
}

/** writeTransactionOver every entity of the table (`db()`): for modules that do not name their entities yet. */
export function writeTransaction<N extends string>(
  items: (entities: WriteEntities) => Partial<Record<N, WriteItem>>,
  options: { idempotent?: boolean } = {},
): Promise<WriteOutcome<N>> {
  return writeTransactionOver(db, items, options);
}

/**
 * Why a canceled transaction failed: the explanation of the first failed item, in the order
 * `explanations` lists them; `otherwise` when none of those failed (e.g. a conflict that
 * outlasted the retries).
 */
export function explainFailure<N extends string, E>(
  outcome: WriteOutcome<N>,
  explanations: Partial<Record<N, () => E | Promise<E>>>,
  otherwise: () => E,
): E | Promise<E> {
  for (const [name, explain] of Object.entries(explanations) as Array<[N, () => E | Promise<E>]>) {
    if (outcome.failed.includes(name)) return explain();
  }
  return otherwise();
}
