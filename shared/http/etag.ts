import { problems } from './problem';

/**
 * Optimistic concurrency over HTTP: a record's `version` leaves as a strong ETag, comes back
 * as `If-Match`, and the write is conditional on it (412 when it moved on, 428 when absent).
 */
export const etagFor = (version: number): string => `"${version}"`;

/** Versions are counters: 15 digits keep every one an exact integer (a longer one never matches, and never reaches DynamoDB as Infinity). */
const etagPattern = /^"(\d{1,15})"$/;

/**
 * The version an `If-Match` asks for. `*` (RFC 9110: any current representation) stands for
 * `currentVersion` where the caller has read the record; where it has not, `*` is refused (412).
 */
export function requiredIfMatch(headers: Record<string, string | undefined>, currentVersion?: number): number {
  const value = headers['if-match']?.trim();
  if (!value) throw problems.preconditionRequired('This change needs an If-Match header with the ETag you last read.');
  if (value === '*' && currentVersion !== undefined) return currentVersion;
  const match = etagPattern.exec(value);
  if (!match) throw problems.preconditionFailed(`If-Match ${value.slice(0, 40)} is not an ETag of this resource; read it again.`);
  return Number(match[1]);
}
