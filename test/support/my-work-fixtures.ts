import { randomUUID } from 'node:crypto';
import { db } from '../../shared/db/service';
import { inviteSubject, subjectTaskItems } from '../../shared/db/tasks';
import { addDays } from '../../shared/domain/billing-periods';
import { defaultProjectSettings } from '../../shared/domain/project-settings';

/**
 * A vendor user who is the invoice contact of one commitment in each of `count` projects, each
 * with an open period and an unanswered invite, and its task as sending the invite writes it.
 * Due dates run backwards (the list must sort them). For "my work" tests and its benchmark.
 */
export async function contactInProjects(
  count: number,
  context: { companyId: string; vendorId: string; vendorName: string; today: string },
): Promise<{ userId: string; email: string; name: string }> {
  const { Project, Member, Commitment, BillingPeriod, Invite, Task, User } = db();
  const run = randomUUID().slice(0, 8);
  const user = { userId: `user-busy-${run}`, email: `busy.${run}@example.test`, name: 'Busy Contact' };
  const at = new Date().toISOString();
  const { today, vendorId, vendorName } = context;
  await User.create({ ...user, companyId: vendorId, createdAt: at }).go();
  for (let n = 0; n < count; n++) {
    const projectId = `project-busy-${run}-${n}`;
    const commitmentId = `commitment-${n}`;
    const billingPeriodId = `period-${n}`;
    const dueDate = addDays(today, 30 - n);
    await Promise.all([
      Project.create({ ...defaultProjectSettings('en-AU'), projectId, companyId: context.companyId, name: `Busy ${n}`, number: `B-${n}`, timeZone: 'Australia/Sydney', createdBy: 'seed', createdAt: at }).go(),
      Member.create({ projectId, userId: user.userId, commitments: 'read_only', headContracts: 'none', createdAt: at }).go(),
      Commitment.create({
        projectId, commitmentId, type: 'subcontract', number: `SC-${n}`, title: `Works ${n}`, vendorId, vendorName,
        status: 'approved', accountingMethod: 'amount', retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
        private: false, privateUserIds: [user.userId], invoiceContactIds: [user.userId], ssovEnabled: false, paymentsIssuedEnabled: false, lineCount: 0,
        originalContractSumCents: 0, approvedChangeOrdersCents: 0, searchText: `sc-${n}`, version: 1, createdBy: 'seed', createdAt: at, updatedAt: at,
      }).go(),
      BillingPeriod.create({ projectId, billingPeriodId, position: 1, startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate, status: 'open', source: 'manual', version: 1, createdBy: 'seed', createdAt: at, updatedAt: at }).go(),
      Invite.create({ projectId, billingPeriodId, commitmentId, status: 'invited', invoiceType: 'work_materials_retainage', contactIds: [user.userId], invitedBy: 'seed', invitedAt: at, emailStatus: 'sent', version: 1, updatedAt: at }).go(),
    ]);
    await Task.put(subjectTaskItems(inviteSubject({ projectId, billingPeriodId, commitmentId }, 'answer_invite', { contactIds: [user.userId], dueDate }), at)).go();
  }
  return user;
}
