/**
 * An accounting export's statuses, apart from accounting-exports.ts so that the entity (which every
 * function's table loads) does not bundle its cents arithmetic (and big.js with it).
 */
export const accountingExportStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type AccountingExportStatus = (typeof accountingExportStatuses)[number];
