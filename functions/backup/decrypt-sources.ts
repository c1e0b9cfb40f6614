import { decryptedSourceKey, getObject, parseEvent, partToMergeSchema, putPdf, type PartToMerge } from '../../shared/backup/task-io';
import { logger } from '../../shared/logger';
import { decryptWithEmptyPassword, mayBeEncrypted } from '../../shared/pdf/decrypt';

/**
 * Backup workflow, `DecryptSources` (inside the Map), run when MergePart met an encrypted PDF: each
 * of the part's files that opens without a password is decrypted (shared/pdf/decrypt.ts) and its
 * copy written beside the part; it answers the part with those copies in the files' places and
 * `decryptionTried`, for MergeDecryptedPart. A file that needs a password keeps its key: the merge
 * leaves it out with a placeholder. A retry writes the same keys again.
 */
export const handler = async (event: unknown): Promise<PartToMerge> => {
  const part = parseEvent(partToMergeSchema, event);
  const sources: PartToMerge['sources'] = [];
  let decrypted = 0;
  // One file at a time: the fork holds a whole parsed document, and this is the rare path.
  for (const [index, source] of part.sources.entries()) {
    const object = await getObject(source.key);
    const copy = object && mayBeEncrypted(object.bytes) ? await decryptWithEmptyPassword(object.bytes) : undefined;
    if (!copy) {
      sources.push(source);
      continue;
    }
    const key = decryptedSourceKey(part.partKey, index);
    await putPdf(key, copy);
    sources.push({ ...source, key });
    decrypted++;
  }
  logger.info('Backup part sources decrypted', { partKey: part.partKey, sources: part.sources.length, decrypted });
  return { ...part, sources, decryptionTried: true };
};
