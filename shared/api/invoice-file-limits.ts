/**
 * The limits of invoice files, apart from their schemas (invoice-files.ts) so that code presigning
 * URLs for other routes (the signing page) does not bundle those.
 */
/** 25 MiB: the largest attachment (a presigned PUT signs the declared length, so S3 holds it to that). */
export const maxAttachmentBytes = 25 * 1024 * 1024;
/** Attachments (uploaded or being uploaded) one invoice may hold: keeps its list one bounded Query. */
export const maxAttachmentsPerInvoice = 50;
/** How long a presigned upload URL is valid. */
export const uploadUrlSeconds = 15 * 60;
/** How long a presigned download URL is valid. */
export const downloadUrlSeconds = 5 * 60;
