/**
 * The permission matrix of docs/permissions.md, one export per row: a route imports the rows it
 * enforces (`enforce(invoicesView, member)`), so its function bundles those rows only.
 * shared/domain/permission-policy.ts assembles every row for what lists or documents them all.
 * Only rows are exported here (the policy is every export of this module).
 */
import type { ActionRule } from './permissions';

const everyLevel = { read_only: true, standard: true, admin: true } as const;
const contactOnly = { contact: true } as const;
const updateContracts = { granular: ['update_purchase_order_contract', 'update_work_order_contract'] } as const;
const createContracts = { granular: ['create_purchase_order_contract', 'create_work_order_contract'] } as const;
const adminOnly = { admin: true } as const;

// A row, by the tool whose level decides it. Side-effect free, so esbuild drops the rows a function never imports.
/* @__NO_SIDE_EFFECTS__ */
function onCommitments<const A extends string, const L extends ActionRule['allow']>(action: A, does: string, allow: L) {
  return { action, tool: 'commitments', does, allow } as const satisfies ActionRule;
}
/* @__NO_SIDE_EFFECTS__ */
function onHeadContracts<const A extends string, const L extends ActionRule['allow']>(action: A, does: string, allow: L) {
  return { action, tool: 'head_contracts', does, allow } as const satisfies ActionRule;
}

// Invoicing (level on commitments)
export const invoicesBulkStatus = onCommitments('invoices.bulk_status', 'bulk edit subcontractor invoice status', adminOnly);
export const invoicesBulkEsign = onCommitments('invoices.bulk_esign', 'bulk send subcontractor invoices for e-signature', adminOnly);
export const invoicesCompileBackups = onCommitments('invoices.compile_backups', 'compile invoice backups', adminOnly);
export const settingsConfigure = onCommitments('settings.configure', 'configure invoicing settings', adminOnly);
export const billingPeriodsConfigureAutomatic = onCommitments('billing_periods.configure_automatic', 'create automatic billing periods', adminOnly);
export const billingPeriodsCreate = onCommitments('billing_periods.create', 'create manual billing periods', adminOnly);
export const billingPeriodsEdit = onCommitments('billing_periods.edit', 'edit billing periods', adminOnly);
export const billingPeriodsManage = onCommitments('billing_periods.manage', 'close or delete billing periods', adminOnly);
// (reading) members must see periods to bill
export const billingPeriodsList = onCommitments('billing_periods.list', 'list billing periods', everyLevel);

// Head contracts (level on head_contracts)
export const ownerInvoicesCreate = onHeadContracts('owner_invoices.create', 'create an owner invoice', adminOnly);
export const ownerInvoicesRecordPayment = onHeadContracts('owner_invoices.record_payment', 'record a payment received', adminOnly);
export const ownerInvoicesEdit = onHeadContracts('owner_invoices.edit', 'edit or delete an owner invoice', adminOnly);
export const ownerInvoicesEmail = onHeadContracts('owner_invoices.email', 'email an owner invoice', adminOnly);
export const ownerInvoicesExport = onHeadContracts('owner_invoices.export', 'export an owner invoice', adminOnly);
export const ownerInvoicesPreview = onHeadContracts('owner_invoices.preview', 'view an owner invoice summary preview', adminOnly);
export const headContractsView = onHeadContracts('head_contracts.view', 'view head contracts', everyLevel);
// (reading) the seed lists no lower level for creating or editing a head contract
export const headContractsEdit = onHeadContracts('head_contracts.edit', 'create or edit a head contract, its SOV and change orders', adminOnly);
// (reading) whoever sees a head contract sees its owner invoices
export const ownerInvoicesView = onHeadContracts('owner_invoices.view', 'view owner invoices', everyLevel);
// (reading) as for subcontractor invoices
export const ownerInvoicesBulkEsign = onHeadContracts('owner_invoices.bulk_esign', 'bulk send owner invoices for e-signature', adminOnly);

// Commitments (level on commitments)
export const commitmentsView = onCommitments('commitments.view', 'view and search commitments', everyLevel);
export const commitmentsCreatePurchaseOrder = onCommitments('commitments.create_purchase_order', 'create a purchase order', { admin: true, read_only: { granular: ['create_purchase_order_contract'] }, standard: { granular: ['create_purchase_order_contract'] } });
// (reading) a subcontract is a work order contract
export const commitmentsCreateSubcontract = onCommitments('commitments.create_subcontract', 'create a subcontract', { admin: true, read_only: { granular: ['create_work_order_contract'] }, standard: { granular: ['create_work_order_contract'] } });
export const commitmentsEdit = onCommitments('commitments.edit', 'edit a commitment’s header fields', adminOnly);
export const sovEdit = onCommitments('sov.edit', 'edit a commitment’s schedule of values', { admin: true, read_only: updateContracts, standard: updateContracts });
// (reading) change orders change the SOV, so they follow its row; approving one is an admin's edit of the commitment
export const changeOrdersEdit = onCommitments('change_orders.edit', 'create or edit change orders', { admin: true, read_only: updateContracts, standard: updateContracts });
export const changeOrdersApprove = onCommitments('change_orders.approve', 'approve or void change orders', adminOnly);
export const ssovCreate = onCommitments('ssov.create', 'create a subcontractor SOV', { admin: true, read_only: createContracts, standard: createContracts });
export const ssovUpdateAsContact = onCommitments('ssov.update_as_contact', 'update the subcontractor SOV', { admin: true, read_only: contactOnly, standard: contactOnly });
// (reading) reviewing an SSOV is the administrator's, like reviewing invoices
export const ssovReview = onCommitments('ssov.review', 'review a subcontractor SOV', adminOnly);
export const ssovEnable = onCommitments('ssov.enable', 'enable or disable the subcontractor SOV', adminOnly);
export const paymentsEnable = onCommitments('payments.enable', 'enable the payments issued tab', adminOnly);
export const commitmentsAddContacts = onCommitments('commitments.add_contacts', 'add invoice contacts', adminOnly);
export const paymentsAdd = onCommitments('payments.add', 'add a payment issued', adminOnly);
export const invitesSend = onCommitments('invites.send', 'send an invite to bill', adminOnly);
export const invitesRespond = onCommitments('invites.respond', 'accept or decline an invite to bill', { read_only: contactOnly, standard: contactOnly });
export const invoicesCreateAsContact = onCommitments('invoices.create_as_contact', 'create an invoice as invoice contact', { read_only: contactOnly, standard: contactOnly });
export const invoicesSubmitAsContact = onCommitments('invoices.submit_as_contact', 'submit an invoice as invoice contact', { read_only: contactOnly, standard: contactOnly });
export const invoicesReviewLinesAsContact = onCommitments('invoices.review_lines_as_contact', 'review invoice line items as invoice contact', { read_only: contactOnly, standard: contactOnly });
export const invoicesResubmitAsContact = onCommitments('invoices.resubmit_as_contact', 'revise and resubmit an invoice as invoice contact', { read_only: contactOnly, standard: contactOnly });
export const invoicesCreateOnBehalf = onCommitments('invoices.create_on_behalf', 'create an invoice on behalf of an invoice contact', adminOnly);
export const invoicesReview = onCommitments('invoices.review', 'review an invoice as invoice administrator', adminOnly);
export const invoicesForward = onCommitments('invoices.forward', 'forward an invoice by email', { standard: true, admin: true });
// (reading) read_only sees invoices only as the contact
export const invoicesView = onCommitments('invoices.view', 'view subcontractor invoices', { read_only: contactOnly, standard: true, admin: true });
export const invoicesDelete = onCommitments('invoices.delete', 'delete a subcontractor invoice', { admin: true, read_only: updateContracts, standard: updateContracts });
export const retainageSetCurrentPeriod = onCommitments('retainage.set_current_period', 'set or release retainage during the current billing period', { admin: true, read_only: contactOnly, standard: contactOnly });
export const retainageCreateReleaseCurrentPeriod = onCommitments('retainage.create_release_current_period', 'create an invoice releasing retainage during the current billing period', { admin: true, standard: contactOnly });
export const retainageSetAnyPeriod = onCommitments('retainage.set_any_period', 'set or release retainage before, during or after the current billing period', adminOnly);
export const retainageCreateReleaseAnyPeriod = onCommitments('retainage.create_release_any_period', 'create an invoice releasing retainage before, during or after the current period', adminOnly);

// Beyond the seed (docs/permissions.md readings)
export const retainageConfigureSlidingScale = onCommitments('retainage.configure_sliding_scale', 'configure sliding-scale retention on a commitment', adminOnly);
export const paymentSchedulesServe = onCommitments('payment_schedules.serve', 'serve or edit a payment schedule', adminOnly);
export const nonPaymentNoticesGive = onCommitments('non_payment_notices.give', 'give a notice of non-payment', adminOnly);
// (reading) the matrix is silent on exports: the level that sees every invoice and records payments issued
export const accountingExport = onCommitments('accounting.export', 'export approved invoices and payments for accounting', adminOnly);

// Project administration (not in the seed's matrix; readings of the product)
export const projectView = onCommitments('project.view', 'view the project', everyLevel);
export const membersView = onCommitments('members.view', 'view the project’s members', everyLevel);
export const membersManage = onCommitments('members.manage', 'manage the project’s members', adminOnly);
export const vendorsView = onCommitments('vendors.view', 'view the project’s vendors', everyLevel);
export const vendorsManage = onCommitments('vendors.manage', 'add vendors and their users', adminOnly);

