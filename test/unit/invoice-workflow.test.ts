import { InputError } from '../../shared/domain/errors';
import { describe, expect, it } from 'vitest';
import { invoiceStatuses, type InvoiceStatus } from '../../shared/domain/invoices';
import {
  contactSendRefusal,
  entersReview,
  reviewLines,
  staleExpectationRefusal,
  statusChangeAction,
  transitionRefusal,
  type WorkflowRole,
} from '../../shared/domain/invoice-workflow';
import { authorize, type Membership, type ToolLevel } from '../../shared/domain/permissions';
import { invoicesReview } from '../../shared/domain/permission-rules';
import { renderInvoiceNotification, type InvoiceNotificationInput } from '../../shared/email/invoice-notifications';

/** docs/domain.md by hand: a contact only sends for review, from draft (submit) or revise & resubmit (resubmit). */
const contactMay = new Set(['draft→under_review', 'revise_and_resubmit→under_review']);

const pairs = invoiceStatuses.flatMap((from) => invoiceStatuses.map((to) => [from, to] as [InvoiceStatus, InvoiceStatus]));

describe('status transitions per role', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    const admin = transitionRefusal('administrator', from, to);
    const contact = transitionRefusal('contact', from, to);
    if (from === to) {
      expect(admin).toMatch(/already/);
      expect(contact).toMatch(/already/);
      return;
    }
    // An administrator may set any status.
    expect(admin).toBeUndefined();
    if (contactMay.has(`${from}→${to}`)) expect(contact).toBeUndefined();
    else expect(contact).toMatch(/only send a draft or revise & resubmit invoice for review/);
  });

  it('a refusal names from and to', () => {
    expect(transitionRefusal('contact', 'approved', 'under_review')).toContain('from approved to under review');
    expect(transitionRefusal('contact', 'draft', 'approved')).toContain('from draft to approved');
  });

  it('names the action each change needs', () => {
    expect(statusChangeAction('contact', 'draft', 'under_review').action).toBe('invoices.submit_as_contact');
    expect(statusChangeAction('contact', 'revise_and_resubmit', 'under_review').action).toBe('invoices.resubmit_as_contact');
    expect(statusChangeAction('contact', 'draft', 'approved').action).toBe('invoices.review');
    for (const [from, to] of pairs) expect(statusChangeAction('administrator', from, to).action).toBe('invoices.review');
  });

  it('entering review starts a new round of line decisions', () => {
    expect(entersReview('draft', 'under_review')).toBe(true);
    expect(entersReview('revise_and_resubmit', 'under_review')).toBe(true);
    expect(entersReview('under_review', 'approved')).toBe(false);
  });
});

/** Who may make which change: the role the route derives (admin → administrator) and the policy on the action. */
describe('status changes per permission level and contact designation', () => {
  const commitment = { private: false, privateUserIds: [], invoiceContactIds: ['contact'] };
  const levels: ToolLevel[] = ['none', 'read_only', 'standard', 'admin'];
  const cases = levels.flatMap((level) => [false, true].map((contact) => ({ level, contact })));

  const decide = (level: ToolLevel, contact: boolean, from: InvoiceStatus, to: InvoiceStatus) => {
    const member: Membership = { userId: contact ? 'contact' : 'someone', commitments: level, headContracts: 'none' };
    const role: WorkflowRole = authorize(invoicesReview, member, commitment).allowed ? 'administrator' : 'contact';
    const decision = authorize(statusChangeAction(role, from, to), member, commitment);
    if (!decision.allowed) return decision.status;
    return transitionRefusal(role, from, to) ? 409 : 200;
  };

  it.each(cases)('$level, contact: $contact', ({ level, contact }) => {
    for (const [from, to] of pairs) {
      const got = decide(level, contact, from, to);
      let want: number;
      if (level === 'none') want = 404;
      else if (from === to) want = level === 'admin' || (contact && to === 'under_review') ? 409 : 403;
      else if (level === 'admin') want = 200;
      else if (to !== 'under_review' || !contact) want = 403;
      else want = contactMay.has(`${from}→${to}`) ? 200 : 409;
      expect(got, `${from} → ${to}`).toBe(want);
    }
  });
});

describe('contact gates', () => {
  it('allows sending the latest invoice up to and on the due date', () => {
    expect(contactSendRefusal({ isLatest: true, dueDate: '2026-03-25', today: '2026-03-24' })).toBeUndefined();
    expect(contactSendRefusal({ isLatest: true, dueDate: '2026-03-25', today: '2026-03-25' })).toBeUndefined();
  });
  it('refuses after the due date, naming it', () => {
    expect(contactSendRefusal({ isLatest: true, dueDate: '2026-03-25', today: '2026-03-26' })).toMatch(/due on 2026-03-25.*2026-03-26/);
  });
  it('refuses an invoice that is not the latest', () => {
    expect(contactSendRefusal({ isLatest: false, dueDate: '2026-03-25', today: '2026-03-01' })).toMatch(/latest invoice/);
  });
});

describe('a bulk item’s expectation', () => {
  const current = { version: 3, status: 'under_review' as const };
  it('holds while the version and status read are current', () => {
    expect(staleExpectationRefusal({ version: 3 }, current)).toBeUndefined();
    expect(staleExpectationRefusal({ from: 'under_review' }, current)).toBeUndefined();
    expect(staleExpectationRefusal({ version: 3, from: 'under_review' }, current)).toBeUndefined();
  });
  it('is stale when either moved, saying what it is now', () => {
    expect(staleExpectationRefusal({ version: 2 }, current)).toMatch(/version 3, not 2/);
    expect(staleExpectationRefusal({ from: 'draft' }, current)).toMatch(/under review, not draft/);
    expect(staleExpectationRefusal({ version: 3, from: 'approved' }, current)).toMatch(/not approved/);
  });
});

describe('line review', () => {
  const refusal = (run: () => unknown): InputError => {
    try {
      run();
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
    throw new Error('expected an InputError');
  };
  const base = { lineIds: ['a', 'b', 'c'], by: 'admin', at: '2026-03-10T00:00:00.000Z', approveInvoice: false };

  it('any rejected line sends the invoice back, listing rejections in invoice order', () => {
    const outcome = reviewLines({
      ...base,
      decisions: [
        { lineId: 'c', approved: false, reason: ' Over 100% claimed ' },
        { lineId: 'a', approved: true },
        { lineId: 'b', approved: false, reason: 'No delivery docket' },
      ],
    });
    expect(outcome).toMatchObject({
      toStatus: 'revise_and_resubmit',
      rejected: [
        { lineId: 'b', reason: 'No delivery docket' },
        { lineId: 'c', reason: 'Over 100% claimed' },
      ],
    });
    expect(outcome.lineReviews.a).toEqual({ approved: true, by: 'admin', at: base.at });
  });

  it('approving every line keeps it under review unless approveInvoice', () => {
    const decisions = base.lineIds.map((lineId) => ({ lineId, approved: true }));
    expect(reviewLines({ ...base, decisions })).toMatchObject({ toStatus: 'under_review', rejected: [] });
    expect(reviewLines({ ...base, decisions, approveInvoice: true })).toMatchObject({ toStatus: 'approved' });
  });

  it('adds to the round’s earlier decisions', () => {
    const current = { a: { approved: true, by: 'x', at: 't' }, b: { approved: true, by: 'x', at: 't' } };
    const outcome = reviewLines({ ...base, current, decisions: [{ lineId: 'c', approved: true }], approveInvoice: true });
    expect(outcome).toMatchObject({ toStatus: 'approved' });
  });

  it('refuses a rejection without a reason, unknown and repeated lines, naming decisions.N', () => {
    const outcome = refusal(() => reviewLines({
      ...base,
      decisions: [
        { lineId: 'a', approved: false },
        { lineId: 'zz', approved: true },
        { lineId: 'b', approved: false, reason: '   ' },
        { lineId: 'a', approved: true },
      ],
    }));
    expect(outcome.issues.map((i) => i.field)).toEqual(['decisions.0.reason', 'decisions.1.lineId', 'decisions.2.reason', 'decisions.3.lineId']);
  });

  it('refuses approveInvoice while lines are rejected or undecided', () => {
    const outcome = refusal(() => reviewLines({ ...base, approveInvoice: true, decisions: [{ lineId: 'a', approved: false, reason: 'no' }, { lineId: 'b', approved: true }] }));
    expect(outcome).toMatchObject({ issues: [{ field: 'approveInvoice', message: expect.stringMatching(/1 line is rejected and 1 line has no decision/) }] });
  });
});

describe('invoice emails', () => {
  const input: InvoiceNotificationInput = {
    kind: 'submitted',
    region: 'en-AU',
    frontendBaseUrl: 'https://app.example.test/',
    projectId: 'p1',
    projectName: 'Harbour Tower',
    currency: { code: 'AUD', sign: '$' },
    invoice: { invoiceId: 'i1', number: '3', currentPaymentDueCents: 179_212 },
    commitment: { number: 'SC-001', title: 'Electrical <services>', vendorName: 'Harbour Electrical' },
    actorName: 'Casey Contact',
    recipientName: 'Alex Admin',
  };

  it('submitted, in the project’s terminology, with a link to the invoice', () => {
    const email = renderInvoiceNotification(input);
    expect(email.subject).toBe('Harbour Tower: Harbour Electrical submitted Progress Claim 3 for review');
    expect(email.text).toContain('Current payment due: $1,792.12');
    expect(email.text).toContain('https://app.example.test/projects/p1/invoices/i1');
    expect(email.html).toContain('Electrical &lt;services&gt;');
    expect(renderInvoiceNotification({ ...input, kind: 'resubmitted', region: 'en-GB' }).subject).toBe(
      'Harbour Tower: Harbour Electrical resubmitted Payment Application 3 for review',
    );
  });

  it('revise & resubmit lists the rejected lines with their reasons', () => {
    const email = renderInvoiceNotification({
      ...input,
      kind: 'revise_and_resubmit',
      region: 'en-US',
      comment: 'See lines below',
      rejectedLines: [{ itemNumber: 2, costCode: '16-200', description: 'Cabling', reason: 'Claimed 120% & no docket' }],
    });
    expect(email.subject).toBe('Harbour Tower: Invoice 3 needs revision – revise & resubmit');
    expect(email.text).toContain('- Line 2 (16-200): Cabling — Reason: Claimed 120% & no docket');
    expect(email.text).toContain('Comment: See lines below');
    expect(email.html).toContain('Claimed 120% &amp; no docket');
  });

  it('approved and approved as noted', () => {
    expect(renderInvoiceNotification({ ...input, kind: 'approved' }).subject).toBe('Harbour Tower: Progress Claim 3 was approved');
    expect(renderInvoiceNotification({ ...input, kind: 'approved_as_noted', region: 'en-CA' }).subject).toBe('Harbour Tower: Invoice 3 was approved as noted');
  });

  it('shows negative amounts with their sign', () => {
    expect(renderInvoiceNotification({ ...input, invoice: { ...input.invoice, currentPaymentDueCents: -123_456_789 } }).text).toContain(
      'Current payment due: -$1,234,567.89',
    );
  });

  it('prints the project’s currency with its decimals: none for JPY and KRW, three for BHD', () => {
    const due = (currency: { code: string; sign: string }, currentPaymentDueCents: number) =>
      renderInvoiceNotification({ ...input, currency, invoice: { ...input.invoice, currentPaymentDueCents } });
    expect(due({ code: 'JPY', sign: '¥' }, 123_456_700).text).toContain('Current payment due: ¥1,234,567');
    expect(due({ code: 'JPY', sign: '¥' }, 123_456_700).html).toContain('¥1,234,567<');
    expect(due({ code: 'KRW', sign: '₩' }, -5_000_000_000).text).toContain('Current payment due: -₩50,000,000\n');
    expect(due({ code: 'BHD', sign: 'BHD' }, 123_456).text).toContain('Current payment due: BHD\u00a01,234.560');
  });
});
