import type { Region } from './terminology';

/**
 * What a new project starts with (DOMAIN.md): 10% retainage on completed work, none on
 * stored materials, no overbilling, monthly periods 1st → month end, due on the 25th.
 */
export function defaultProjectSettings(region: Region) {
  return {
    retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
    overbillingAllowed: false,
    defaultInvoiceType: 'work_materials_retainage' as const,
    notifyContactsOnApproval: true,
    billingPeriods: { frequency: 'never' as const, startDay: 1, endDay: 31, dueDay: 25, autoInvites: false },
    region,
  };
}
