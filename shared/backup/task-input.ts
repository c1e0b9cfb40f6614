import * as z from '../zod';

/**
 * The backup workflow's Task errors, matched by name by the ASL's Retry and Catch, and input
 * parsing. Apart from task-io.ts (bucket I/O), so that a task that reads nothing from S3
 * (PlanVolumes) does not load the S3 client at its cold start.
 */

/** Matched by name in the ASL's Retry: the same call may well succeed in a moment. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** Not retried: the same input would fail the same way, so the ASL's Catch ends the run. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInput';
}

/**
 * Matched by name in the Catch of the ASL's MergePart: the part has an encrypted PDF. pdf-lib cannot
 * decrypt, and the fork that can is too big to carry on every merge, so DecryptSources decrypts the
 * part's files that open without a password and MergeDecryptedPart merges the part again.
 */
export class EncryptedSourcesError extends Error {
  override readonly name = 'EncryptedSources';
}

/**
 * Matched by name in the Catch of the ASL's MergeVolume: the backup, merged by one task, would pass
 * a volume's limits (pages or bytes). The workflow runs the parts route instead, which splits it.
 */
export class NeedsVolumesError extends Error {
  override readonly name = 'NeedsVolumes';
}

/** A backup's cover as Prepare answers it: Combine and MergeVolume draw it (built only in the bundles that use it). */
export const coverSchema = /* @__PURE__ */ (() =>
  z.object({
    title: z.string().check(z.minLength(1)),
    lines: z.array(z.string()),
    subject: z.optional(z.string()),
    author: z.optional(z.string()),
    createdAt: z.optional(z.iso.datetime()),
  }))();

export function parseEvent<T extends z.ZodMiniType>(schema: T, event: unknown): z.infer<T> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`Invalid input: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
