import { describe, expect, it } from 'vitest';
import {
  creationRefusal,
  deadlineRefusal,
  deletionRefusal,
  editableStatuses,
  editRefusal,
  notificationKind,
} from '../../shared/domain/invoice-rules';

describe('invoice rules', () => {
  it('edits only in draft and revise & resubmit', () => {
    expect(editableStatuses).toEqual(['draft', 'revise_and_resubmit']);
    expect(editRefusal('draft')).toBeUndefined();
    expect(editRefusal('revise_and_resubmit')).toBeUndefined();
    expect(editRefusal('under_review', 'its attachments')).toMatch(/^The invoice is under review; its attachments can be changed only/);
  });

  it('refuses contacts after the due date, not on it', () => {
    expect(deadlineRefusal({ dueDate: '2026-03-25', today: '2026-03-25', onBehalf: 'edit it' })).toBeUndefined();
    expect(deadlineRefusal({ dueDate: '2026-03-25', today: '2026-03-26', onBehalf: 'edit it' })).toBe(
      'The billing period was due on 2026-03-25 and it is 2026-03-26 in the project’s time zone; an invoice administrator can edit it on your behalf.',
    );
  });

  it('creates after a settled invoice only, once per kind and period, with SOV lines', () => {
    expect(creationRefusal({ kind: 'progress', latest: { number: '1', status: 'approved' }, sovLineCount: 2 })).toBeUndefined();
    expect(creationRefusal({ kind: 'progress', latest: { number: '1', status: 'under_review' }, sovLineCount: 2 })).toMatch(/previous invoice 1/);
    expect(creationRefusal({ kind: 'retainage_release', sameKindInPeriod: { number: '2' }, sovLineCount: 2 })).toMatch(/retainage release invoice \(2\)/);
    expect(creationRefusal({ kind: 'progress', sovLineCount: 0 })).toMatch(/no schedule of values/);
  });

  it('never deletes approved or paid invoices', () => {
    expect(deletionRefusal({ status: 'draft', paymentStatus: 'unpaid', paidCents: 0 })).toBeUndefined();
    expect(deletionRefusal({ status: 'approved_as_noted', paymentStatus: 'unpaid', paidCents: 0 })).toMatch(/never deleted/);
    expect(deletionRefusal({ status: 'draft', paymentStatus: 'partially_paid', paidCents: 1 })).toMatch(/partially paid/);
  });

  it('emails on submit, resubmit, send-back, and approvals when the project notifies', () => {
    const notify = { notifyContactsOnApproval: true };
    expect(notificationKind(notify, 'draft', 'under_review')).toBe('submitted');
    expect(notificationKind(notify, 'revise_and_resubmit', 'under_review')).toBe('resubmitted');
    expect(notificationKind(notify, 'under_review', 'approved')).toBe('approved');
    expect(notificationKind({ notifyContactsOnApproval: false }, 'under_review', 'approved')).toBeUndefined();
    expect(notificationKind(notify, 'draft', 'draft')).toBeUndefined();
  });
});
