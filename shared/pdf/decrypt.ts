import { PDFDocument } from '@cantoo/pdf-lib';

/**
 * PDFs encrypted with an empty user password (supplier, bank and ERP invoices that restrict only
 * printing or editing) open in any viewer without a password. pdf-lib cannot decrypt them (its
 * `ignoreEncryption` copies still-encrypted streams: garbage pages), so such a file is decrypted
 * with @cantoo/pdf-lib, a maintained pdf-lib fork that can, and saved without encryption.
 *
 * The fork is a second copy of pdf-lib (~490 KB bundled): only the backup workflow's
 * DecryptSources step carries it (functions/backup/decrypt-sources.ts), run when MergePart meets
 * an encrypted file; the merge itself never loads it.
 */
export async function decryptWithEmptyPassword(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const document = await PDFDocument.load(bytes, { password: '', updateMetadata: false });
    // Saved as loaded: no blank page added to a file without pages, no form field redrawn.
    return await document.save({ addDefaultPage: false, updateFieldAppearances: false });
  } catch {
    // A file that needs a password to open (or one the fork cannot read): the merge's placeholder.
    return undefined;
  }
}

const encryptKey = Buffer.from('/Encrypt');

/**
 * Whether a file may be an encrypted PDF, without parsing it: an encrypted PDF names its /Encrypt
 * dictionary in its trailer (or cross-reference stream dictionary), which is never encrypted.
 * A file without those bytes is not encrypted; one with them is decrypted (a plain one comes back
 * as a copy of itself).
 */
export function mayBeEncrypted(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(encryptKey);
}
