/**
 * PDFs encrypted with an empty user password (supplier, bank and ERP invoices that restrict only
 * printing or editing) open in any viewer without a password. pdf-lib cannot decrypt them (its
 * `ignoreEncryption` copies still-encrypted streams: garbage pages), so such a file is decrypted
 * with @cantoo/pdf-lib, a maintained pdf-lib fork that can, and saved without encryption.
 *
 * The fork is a second copy of pdf-lib: it is imported only when an encrypted file turns up, so
 * a Lambda that never meets one never loads it.
 */
export async function decryptWithEmptyPassword(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  const { PDFDocument } = await import('@cantoo/pdf-lib');
  try {
    const document = await PDFDocument.load(bytes, { password: '', updateMetadata: false });
    return await document.save();
  } catch {
    // A file that needs a password to open (or one the fork cannot read): the caller's placeholder.
    return undefined;
  }
}
