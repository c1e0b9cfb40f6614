/**
 * The subcontractor invoice API in one import, for the areas not converted to documentation modules
 * yet (owner invoices; docs/bundles.md, "Route documentation"): handlers import invoice-entries.ts and
 * invoice-views.ts themselves, so they bundle no answer schema (invoice-answers.ts).
 */
export * from './invoice-entries';
export * from './invoice-entry-names';
export * from './invoice-answers';
export * from './invoice-views';
export { invoicePath } from './common';
export { noPaymentDeadlines, type PaymentDeadlines } from './invoice-deadlines';
