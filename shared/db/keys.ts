/**
 * The single table's key attributes and indexes. Every entity maps its indexes onto
 * these, and `table.ts` checks that they do, so the CDK table, the local table and
 * the entities cannot drift apart.
 */
export const tableKeys = {
  primary: { pk: 'pk', sk: 'sk' },
  gsi1: { pk: 'gsi1pk', sk: 'gsi1sk' },
  gsi2: { pk: 'gsi2pk', sk: 'gsi2sk' },
} as const;

export type IndexName = keyof typeof tableKeys;

/** Items that expire (idempotency records, delivery markers) carry epoch seconds here. */
export const ttlAttribute = 'expiration';
