import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { startRecordingBus } from '../support/event-recorder';
import { db } from '../../shared/db/service';
import { parseInviteId } from '../../shared/db/invites';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { billingPeriodActions, commitmentActions, inviteActions, invoiceActions, statusChangeTargets } from '../../shared/domain/allowed-actions';
import type { InvoiceStatus } from '../../shared/domain/invoices';
import { expectStatus, type ApiResponse, type Call, type Json, type TestApi } from '../support/api-client';
import {
  amountLines,
  createBillingPeriod,
  createCommitment,
  createInvoice,
  enablePayments,
  etagOf,
  invoiceInStatus,
  paymentBody,
  profiles,
  sendInvites,
  startFixtureApi,
  type PermissionFixture,
  type Profile,
  type TestBillingPeriod,
} from '../support/permission-fixtures';

/**
 * `allowedActions` against the routes, for every profile of the permission matrix: on each
 * record, read as the profile, every action listed is accepted by its route (2xx) and every action
 * not listed is refused (403, 404 or 409). The record is read again before each action, and put
 * back in the state under test after an action changed it. Each action of each vocabulary must be
 * accepted for some profile and refused for another, so no check passes vacuously.
 */

let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;

/** Checks made (profile × record × action), by resource: the acceptance figure of issue 11. */
const checks: Record<string, number> = {};
const outcomes = new Map<string, { accepted: number; refused: number }>();

beforeAll(async () => {
  ({ bus } = await startRecordingBus());
  ({ api, fx, call } = await startFixtureApi());
});

afterAll(async () => {
  console.info(`allowed-actions checks (profile × record × action): ${JSON.stringify(checks)}`);
  await api?.stop();
  await bus?.stop();
});

const today = () => localDate(new Date(), 'Australia/Sydney');

interface Subject<A extends string> {
  resource: string;
  /** A name for failure messages. */
  label: string;
  /** The record's allowedActions as the token reads it; undefined when it cannot read it (403/404). */
  read: (token: string) => Promise<A[] | undefined>;
  perform: (action: A, token: string) => Promise<ApiResponse>;
  /** Puts the record back in the state under test after `action` changed it. */
  restore?: (action: A) => Promise<void>;
  /** Profiles that cannot read the record yet may take the action (a reading of the matrix), by action. */
  unreadableButAllowed?: Partial<Record<A, readonly Profile[]>>;
}

async function checkEveryProfile<A extends string>(subject: Subject<A>, actions: readonly A[]): Promise<void> {
  for (const profile of profiles) {
    const token = fx.users[profile].token;
    // Read again only after an action changed the record (and it was put back).
    let allowed = await subject.read(token);
    for (const action of actions) {
      const response = await subject.perform(action, token);
      const what = `${profile} → ${action} on ${subject.label} (allowedActions ${JSON.stringify(allowed)}): ${response.status} ${JSON.stringify(response.body)}`;
      const accepted = response.status >= 200 && response.status < 300;
      if (allowed === undefined && subject.unreadableButAllowed?.[action]?.includes(profile)) {
        // Permitted without being able to read: never refused for who they are, only for the record's state.
        expect(accepted || response.status === 409, what).toBe(true);
      } else if (allowed?.includes(action)) {
        expect(accepted, what).toBe(true);
      } else {
        expect([403, 404, 409], what).toContain(response.status);
      }
      if (accepted && subject.restore) {
        await subject.restore(action);
        allowed = await subject.read(token);
      }
      checks[subject.resource] = (checks[subject.resource] ?? 0) + 1;
      const key = `${subject.resource}.${action}`;
      const tally = outcomes.get(key) ?? { accepted: 0, refused: 0 };
      tally[accepted ? 'accepted' : 'refused'] += 1;
      outcomes.set(key, tally);
    }
  }
}

/** Every action of the vocabulary was accepted at least once and refused at least once. */
function expectBothOutcomes(resource: string, actions: readonly string[]) {
  for (const action of actions) {
    const tally = outcomes.get(`${resource}.${action}`);
    expect(tally?.accepted, `${resource}.${action} accepted for some profile`).toBeGreaterThan(0);
    expect(tally?.refused, `${resource}.${action} refused for some profile`).toBeGreaterThan(0);
  }
}

const readActions = async <A>(response: ApiResponse): Promise<A[] | undefined> => {
  if (response.status === 403 || response.status === 404) return undefined;
  expectStatus(response, 200, 'read the record');
  return response.body.allowedActions as A[];
};

/** The open period all invites and invoices of these tests belong to: started before today, due well after. */
let period: TestBillingPeriod;

describe('allowedActions', () => {
  beforeAll(async () => {
    const now = today();
    period = await createBillingPeriod(call, fx, { startDate: addDays(now, -10), endDate: addDays(now, 20), dueDate: addDays(now, 40) });
  });

  it('on invites: respond and resend, for every profile, on a public and a private commitment', async () => {
    const commitments = [await createCommitment(call, fx, { sov: false }), await createCommitment(call, fx, { sov: false, private: true })];
    const inviteIds = await sendInvites(call, fx, period, commitments);
    // The two invites are independent records: checked side by side.
    await Promise.all(inviteIds.map(async (inviteId) => {
      const key = { projectId: fx.projectId, ...parseInviteId(inviteId)! };
      // Not answered, its emails failed: what a contact answers and an administrator re-sends.
      const restore = async () => {
        await db().Invite.patch(key).set({ status: 'invited', emailStatus: 'failed' }).go();
      };
      await restore();
      const readInvite = async (token: string) => {
        const rows = await call(token, { method: 'GET', path: `${period.path}/invites` });
        if (rows.status !== 200) return undefined;
        const row = rows.body.items.find((r: Json) => r.inviteId === inviteId);
        return row?.allowedActions as Array<(typeof inviteActions)[number]> | undefined;
      };
      await checkEveryProfile(
        {
          resource: 'invite',
          label: `invite ${inviteId}`,
          read: readInvite,
          perform: (action, token) =>
            action === 'respond'
              ? call(token, { method: 'POST', path: `/v1/projects/${fx.projectId}/invites/${inviteId}/response`, body: { accept: true } })
              : call(token, { method: 'POST', path: `/v1/projects/${fx.projectId}/invites/${inviteId}/resend` }),
          restore,
        },
        inviteActions,
      );
    }));
    expectBothOutcomes('invite', inviteActions);
  }, 600_000);

  it('on commitments: edit, edit the SOV, create a change order, add a payment, for every profile', async () => {
    const withPayments = await createCommitment(call, fx);
    await enablePayments(call, fx, withPayments);
    const subjects = [withPayments, await createCommitment(call, fx, { private: true })];
    await Promise.all(
      subjects.map((commitment) =>
        checkEveryProfile(
          {
            resource: 'commitment',
            label: `commitment ${commitment.number}`,
            read: async (token) => readActions(await call(token, { method: 'GET', path: commitment.path })),
            perform: async (action, token) => {
              if (action === 'edit') {
                const etag = await etagOf(call, fx, commitment.path);
                return call(token, { method: 'PATCH', path: commitment.path, body: { description: 'Levels 1–4' }, headers: { 'if-match': etag } });
              }
              if (action === 'edit_sov') {
                const etag = await etagOf(call, fx, `${commitment.path}/sov`);
                return call(token, { method: 'PUT', path: `${commitment.path}/sov`, body: { lines: amountLines }, headers: { 'if-match': etag } });
              }
              if (action === 'create_change_order') {
                const line = { kind: 'add', costCode: '16-900', description: 'Additional sub-main', amountCents: 485_000 };
                return call(token, { method: 'POST', path: `${commitment.path}/change-orders`, body: { number: `CO-${crypto.randomUUID().slice(0, 8)}`, title: 'Variation', lines: [line] } });
              }
              return call(token, { method: 'POST', path: `${commitment.path}/payments`, body: paymentBody() });
            },
          },
          commitmentActions,
        ),
      ),
    );
    expectBothOutcomes('commitment', commitmentActions);
  }, 600_000);

  it('on invoices: every action, for every profile, in draft, under review and approved', async () => {
    const states: InvoiceStatus[] = ['draft', 'under_review', 'approved'];
    await Promise.all(
      states.map(async (state) => {
        const commitment = await createCommitment(call, fx);
        let invoice = await createInvoice(call, fx, commitment);
        await invoiceInStatus(call, fx, invoice, state);
        await checkEveryProfile(
          {
            resource: 'invoice',
            label: `a ${state} invoice`,
            read: async (token) => readActions(await call(token, { method: 'GET', path: invoice.path })),
            perform: async (action, token) => {
              const etag = await etagOf(call, fx, invoice.path);
              const headers = { 'if-match': etag };
              switch (action) {
                case 'edit':
                  return call(token, { method: 'PATCH', path: invoice.path, body: { lines: [{ lineId: invoice.lineIds[0], workThisPeriodCents: 0 }] }, headers });
                case 'upload_attachment':
                  return call(token, { method: 'POST', path: `${invoice.path}/attachments`, body: { filename: 'docket.pdf', contentType: 'application/pdf', sizeBytes: 100 } });
                case 'review_lines':
                  return call(token, { method: 'POST', path: `${invoice.path}/review`, body: { decisions: [{ lineId: invoice.lineIds[0], approved: true }], approveInvoice: false }, headers });
                case 'forward':
                  return call(token, { method: 'POST', path: `${invoice.path}/forward`, body: { to: ['owner@example.test'] } });
                case 'delete':
                  return call(token, { method: 'DELETE', path: invoice.path });
                default:
                  return call(token, { method: 'POST', path: `${invoice.path}/status`, body: { status: statusChangeTargets[action] }, headers });
              }
            },
            restore: async (action) => {
              if (action === 'delete') invoice = await createInvoice(call, fx, commitment);
              if (action === 'upload_attachment') {
                const { body } = await call(fx.users.admin.token, { method: 'GET', path: `${invoice.path}/attachments` });
                for (const a of body.items as Json[]) await call(fx.users.admin.token, { method: 'DELETE', path: `${invoice.path}/attachments/${a.attachmentId}` });
              }
              await invoiceInStatus(call, fx, invoice, state);
            },
            // docs/permissions.md: deleting needs update_po + update_wo, viewing needs the contact designation for read_only.
            unreadableButAllowed: { delete: ['read_only+G(update_po,update_wo)'] },
          },
          invoiceActions,
        );
      }),
    );
    expectBothOutcomes('invoice', invoiceActions);
  }, 900_000);

  it('on billing periods: edit, close, delete and send invites, for every profile (last: a new period closes the open one)', async () => {
    let next = addDays(today(), 400);
    const fresh = async () => {
      const dates = { startDate: next, endDate: addDays(next, 6), dueDate: addDays(next, 10) };
      next = addDays(next, 7);
      return createBillingPeriod(call, fx, dates);
    };
    // Sending again answers 200 with the commitment refused as already invited: the route accepts it.
    const invitable = await createCommitment(call, fx, { sov: false });
    for (const invoiceCount of [0, 1]) {
      let current = await fresh();
      // A period in use by an invoice is never deleted: its count as the invoices keep it.
      const countInvoices = async () => {
        if (invoiceCount) await db().BillingPeriod.patch({ projectId: fx.projectId, billingPeriodId: current.billingPeriodId }).set({ invoiceCount }).go();
      };
      await countInvoices();
      const read = async (token: string) => readActions<(typeof billingPeriodActions)[number]>(await call(token, { method: 'GET', path: current.path }));
      await checkEveryProfile(
        {
          resource: 'billing period',
          label: `a period with ${invoiceCount} invoices`,
          read,
          perform: async (action, token) => {
            if (action === 'edit') {
              const etag = (await call(fx.users.admin.token, { method: 'GET', path: current.path })).headers.get('etag')!;
              return call(token, { method: 'PATCH', path: current.path, body: { dueDate: addDays(next, -1) }, headers: { 'if-match': etag } });
            }
            if (action === 'send_invites') {
              return call(token, { method: 'POST', path: `${current.path}/invites`, body: { commitmentIds: [invitable.commitmentId], invoiceType: 'work_materials_retainage' } });
            }
            return call(token, action === 'close' ? { method: 'POST', path: `${current.path}/close` } : { method: 'DELETE', path: current.path });
          },
          restore: async (action) => {
            if (action === 'close' || action === 'delete') {
              current = await fresh();
              await countInvoices();
            }
          },
        },
        billingPeriodActions,
      );
    }
    expectBothOutcomes('billing period', billingPeriodActions);
  }, 600_000);
});
