/**
 * The PDF cannot be made from these records (one of them is missing, or the renderer could not
 * draw what they hold): asking again would fail the same way. Failures of S3 or Lambda are not this.
 * Thrown on both sides of the renderer's invoke (shared/storage/invoice-pdf-renderer.ts), so it lives
 * apart from either's dependencies.
 */
export class InvoicePdfUnrenderable extends Error {
  override readonly name = 'InvoicePdfUnrenderable';
}
