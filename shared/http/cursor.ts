import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from '../zod';
import { tableKeys } from '../db/keys';
import { problems } from './problem';

/**
 * Opaque list cursors. ElectroDB's cursor (the last evaluated key) is wrapped with the scope
 * it belongs to (e.g. `commitments:<projectId>`) and an HMAC, so a client can neither edit it
 * nor replay it against another project's list: either way it gets a 400, never rows.
 */
/** Without a configured key (CURSOR_SECRET, see cursor-secret.ts), one nobody can reproduce: cursors then last as long as the process. */
const processSecret = randomBytes(32).toString('base64url');
const secret = () => process.env.CURSOR_SECRET || processSecret;

/** What ElectroDB's cursor wraps: a DynamoDB key of string attributes of the table's indexes. */
const keyAttributes = new Set<string>(Object.values(tableKeys).flatMap((index) => [index.pk, index.sk]));
const lastEvaluatedKey = z
  .record(z.string(), z.string().check(z.minLength(1), z.maxLength(1024)))
  .check(z.refine((key) => Object.keys(key).every((name) => keyAttributes.has(name)) && tableKeys.primary.pk in key && tableKeys.primary.sk in key));

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
const sign = (payload: string) => createHmac('sha256', secret()).update(payload).digest('base64url');

/** The JSON a token carries when its signature is ours; undefined otherwise. */
function signedPayload(token: string): unknown {
  const [payload, signature] = token.split('.');
  const expected = payload ? sign(payload) : '';
  const valid = payload && signature && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
  return valid ? parseJson(Buffer.from(payload, 'base64url').toString()) : undefined;
}

export function encodeCursor(scope: string, cursor: string | null): string | null {
  if (!cursor) return null;
  const payload = Buffer.from(JSON.stringify({ s: scope, c: cursor })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

export function decodeCursor(scope: string, token: string | undefined): string | null {
  if (!token) return null;
  const parsed = z.object({ s: z.string(), c: z.string() }).safeParse(signedPayload(token));
  if (!parsed.success || parsed.data.s !== scope) throw invalidCursor();
  // Signed but not a key this table could have given out (a leaked key, a bug): a 400, never a 500 from DynamoDB.
  if (!lastEvaluatedKey.safeParse(parseJson(Buffer.from(parsed.data.c, 'base64url').toString())).success) throw invalidCursor();
  return parsed.data.c;
}

const invalidCursor = (field = 'cursor') =>
  problems.validation([{ location: 'query', field, message: 'Not a cursor this list gave out; start again without it.' }]);

/** A cursor into a list that is not a DynamoDB query (e.g. a JSON array in S3): the next item's index, signed with its scope. */
export function encodeOffsetCursor(scope: string, offset: number): string {
  const payload = Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The index an offset cursor points at, or 0 without one; a 400 naming `field` for one this scope did not give out. */
export function decodeOffsetCursor(scope: string, token: string | undefined, field: string): number {
  if (!token) return 0;
  const parsed = z
    .object({ s: z.literal(scope), o: z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)) })
    .safeParse(signedPayload(token));
  if (!parsed.success) throw invalidCursor(field);
  return parsed.data.o;
}

/** The query parameters every list accepts. */
export const pageQuery = {
  cursor: z.optional(z.string().check(z.maxLength(2048))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
};
