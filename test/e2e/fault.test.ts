import { describe, expect, it } from 'vitest';
import { faultRun } from '../../bench/fault';

/**
 * The fault test's invite half at a small size: the whole stack, as `npm start` runs it,
 * SIGKILLed while it sends invites, restarted on the same data — no email lost, none doubled
 * but what SES accepted at the instant of the kill, no invite left pending.
 * `npm run fault -- <runs>` runs both halves at full size (200 invites and a 20-invoice backup);
 * its backup half still finds a job left queued when the kill lands between the job's write and
 * its execution's start (open in issue 10), so it is not asserted here.
 */
describe('a SIGKILL of the whole local stack while invites go out', () => {
  it('loses no invite email, doubles none but one in flight at the kill, and leaves no invite pending', async () => {
    const result = await faultRun(1, { invites: 20, invoices: 0, killMaxMs: 4000, waitMs: 200_000, sesSendRate: 14, log: () => undefined });
    // A copy SES accepted at the instant of the kill, before its outcome was written, is sent again (SES takes no idempotency key): no other.
    expect(result).toMatchObject({ invites: 20, emailed: 20, lost: 0, duplicated: result.inFlightAtKill, pendingInvites: 0 });
  }, 360_000);
});
