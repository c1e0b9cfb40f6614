import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { problems } from './problem';

/**
 * Opaque list cursors. ElectroDB's cursor (the last evaluated key) is wrapped with the scope
 * it belongs to (e.g. `commitments:<projectId>`) and an HMAC, so a client can neither edit it
 * nor replay it against another project's list: either way it gets a 400, never rows.
 */
const secret = () => process.env.CURSOR_SECRET ?? `progress-claims:${process.env.TABLE_NAME ?? ''}`;
const sign = (payload: string) => createHmac('sha256', secret()).update(payload).digest('base64url');

export function encodeCursor(scope: string, cursor: string | null): string | null {
  if (!cursor) return null;
  const payload = Buffer.from(JSON.stringify({ s: scope, c: cursor })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

export function decodeCursor(scope: string, token: string | undefined): string | null {
  if (!token) return null;
  const [payload, signature] = token.split('.');
  const expected = payload ? sign(payload) : '';
  const valid =
    payload && signature && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
  if (!valid) throw invalidCursor();
  const parsed = z.object({ s: z.string(), c: z.string() }).safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString()));
  if (!parsed.success || parsed.data.s !== scope) throw invalidCursor();
  return parsed.data.c;
}

const invalidCursor = () =>
  problems.validation([{ location: 'query', field: 'cursor', message: 'Not a cursor this list gave out; start again without it.' }]);

/** The query parameters every list accepts. */
export const pageQuery = {
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
};
