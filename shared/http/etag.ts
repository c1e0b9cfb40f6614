import { problems } from './problem';

/**
 * Optimistic concurrency over HTTP: a record's `version` leaves as a strong ETag, comes back
 * as `If-Match`, and the write is conditional on it (412 when it moved on, 428 when absent).
 */
export const etagFor = (version: number): string => `"${version}"`;

export function requiredIfMatch(headers: Record<string, string | undefined>): number {
  const value = headers['if-match'];
  if (!value) throw problems.preconditionRequired('This change needs an If-Match header with the ETag you last read.');
  const match = /^"(\d+)"$/.exec(value.trim());
  if (!match) throw problems.preconditionFailed(`If-Match ${value} is not an ETag of this resource; read it again.`);
  return Number(match[1]);
}

export function isConditionalFailure(error: unknown): boolean {
  const cause = (error as { cause?: { name?: string } } | null)?.cause;
  return (error as Error | null)?.name === 'ConditionalCheckFailedException' || cause?.name === 'ConditionalCheckFailedException';
}
