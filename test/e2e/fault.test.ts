import { describe, expect, it } from 'vitest';
import { faultRun } from '../../bench/fault';

/**
 * The fault test at a small size (`npm run fault -- <runs>` runs it at 200 invites and a
 * 20-invoice backup): the whole stack, as `npm start` runs it, SIGKILLed while it sends invites
 * and compiles a backup, restarted on the same data — nothing lost, nothing doubled, nothing stuck.
 */
describe('a SIGKILL of the whole local stack', () => {
  it('loses no invite email, doubles none, and leaves no backup job running after the restart', async () => {
    const result = await faultRun(1, { invites: 20, invoices: 3, killMaxMs: 4000, waitMs: 200_000, sesSendRate: 14, log: () => undefined });
    expect(result).toMatchObject({ invites: 20, emailed: 20, lost: 0, duplicated: 0, pendingInvites: 0, stuck: 0 });
  }, 360_000);
});
