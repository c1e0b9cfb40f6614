/**
 * The choices of a project's settings, apart from project-settings.ts so that the entities that
 * store them do not bundle its money formatting (and big.js with it) into every function.
 */
export const billingFrequencies = ['monthly', 'weekly', 'never'] as const;
export const invoiceTypes = ['work_materials_retainage', 'work_materials', 'retainage_release'] as const;
/** `none` makes an invite required before a contact may invoice (docs/domain.md, "Invite to bill"). */
export const defaultInvoiceTypes = [...invoiceTypes, 'none'] as const;
