import { ontarioHoldbackPercent } from './ontario-prompt-payment';
import type { Region } from './terminology';
import type { FieldIssue } from './errors';
import { formatMoney } from './cents';

import { billingFrequencies, defaultInvoiceTypes, invoiceTypes } from './project-setting-choices';
export { billingFrequencies, defaultInvoiceTypes, invoiceTypes };

export type BillingFrequency = (typeof billingFrequencies)[number];
export type DefaultInvoiceType = (typeof defaultInvoiceTypes)[number];

/** A project's settings as stored (the Project entity's columns of the same names). */
export interface ProjectSettings {
  timeZone: string;
  region: Region;
  retainage: { workPercent: string; workEnabled: boolean; materialsPercent: string; materialsEnabled: boolean };
  overbillingAllowed: boolean;
  defaultInvoiceType: DefaultInvoiceType;
  notifyContactsOnApproval: boolean;
  /**
   * Sending an owner invoice to the owner moves the subcontractor invoices it was pre-filled from to
   * pending_owner_approval until the owner approves it (absent on projects from before: off).
   */
  ownerApprovalHoldsSubcontractorInvoices?: boolean;
  /** Payments received may take an owner invoice past what is due (absent: off, unless a payment says allowOverpayment). */
  overpaymentAllowed?: boolean;
  billingPeriods: { frequency: BillingFrequency; startDay: number; endDay: number; dueDay: number; autoInvites: boolean; reminderDaysBeforeDue?: number };
  /** The prime contract's parties and date, printed on the G702 (absent: printed as a dash). */
  contract?: ContractDetails;
  /** ISO 4217 code money is printed in; absent: the region's own (see `currencyOf`). */
  currency?: string;
}

export interface ContractDetails {
  ownerName?: string;
  architectName?: string;
  /** YYYY-MM-DD. */
  date?: string;
}

/** A partial change: given fields replace, nested objects merge, a null reminder removes it. */
export interface SettingsPatch {
  timeZone?: string;
  region?: Region;
  retainage?: Partial<ProjectSettings['retainage']>;
  overbillingAllowed?: boolean;
  defaultInvoiceType?: DefaultInvoiceType;
  notifyContactsOnApproval?: boolean;
  ownerApprovalHoldsSubcontractorInvoices?: boolean;
  overpaymentAllowed?: boolean;
  billingPeriods?: Partial<Omit<ProjectSettings['billingPeriods'], 'reminderDaysBeforeDue'>> & { reminderDaysBeforeDue?: number | null };
  /** Each given field replaces, null removes it. */
  contract?: { [K in keyof ContractDetails]?: ContractDetails[K] | null };
  currency?: string;
}

/**
 * What a new project starts with (docs/domain.md): 10% retainage on completed work, none on
 * stored materials, no overbilling, monthly periods 1st → month end, due on the 25th. In Canada
 * (Ontario's Construction Act s 22) the 10 % holdback is on services and materials alike.
 */
export function defaultProjectSettings(region: Region) {
  const holdback = region === 'en-CA';
  return {
    retainage: { workPercent: holdback ? ontarioHoldbackPercent : '10', workEnabled: true, materialsPercent: holdback ? ontarioHoldbackPercent : '0', materialsEnabled: holdback },
    overbillingAllowed: false,
    defaultInvoiceType: 'work_materials_retainage' as const,
    notifyContactsOnApproval: true,
    billingPeriods: { frequency: 'never' as const, startDay: 1, endDay: 31, dueDay: 25, autoInvites: false },
    region,
  };
}

/**
 * The settings after a partial change: given fields replace, nested objects merge field by
 * field, a null reminder removes it. Returns the merged settings or the fields that make them
 * invalid together (a weekly period's days are ISO weekdays).
 */
export function mergeSettings(current: ProjectSettings, patch: SettingsPatch): { settings: ProjectSettings; errors: FieldIssue[] } {
  const { reminderDaysBeforeDue: reminder, ...billingPatch } = patch.billingPeriods ?? {};
  const { reminderDaysBeforeDue: currentReminder, ...currentBilling } = current.billingPeriods;
  const reminderDays = reminder === undefined ? currentReminder : (reminder ?? undefined);
  const settings: ProjectSettings = {
    timeZone: patch.timeZone ?? current.timeZone,
    region: patch.region ?? current.region,
    retainage: mergeRetainage(current.retainage, patch.retainage ?? {}),
    overbillingAllowed: patch.overbillingAllowed ?? current.overbillingAllowed,
    defaultInvoiceType: patch.defaultInvoiceType ?? current.defaultInvoiceType,
    notifyContactsOnApproval: patch.notifyContactsOnApproval ?? current.notifyContactsOnApproval,
    ownerApprovalHoldsSubcontractorInvoices: patch.ownerApprovalHoldsSubcontractorInvoices ?? current.ownerApprovalHoldsSubcontractorInvoices ?? false,
    overpaymentAllowed: patch.overpaymentAllowed ?? current.overpaymentAllowed ?? false,
    billingPeriods: {
      ...currentBilling,
      ...definedOnly(billingPatch),
      ...(reminderDays === undefined ? {} : { reminderDaysBeforeDue: reminderDays }),
    },
    ...mergeContract(current.contract, patch.contract),
    ...((patch.currency ?? current.currency) ? { currency: patch.currency ?? current.currency } : {}),
  };
  const errors: FieldIssue[] = [];
  if (patch.currency !== undefined && !isCurrencyCode(patch.currency)) {
    errors.push({ field: 'currency', message: `${patch.currency} is not an ISO 4217 currency code (e.g. AUD, USD, EUR).` });
  }
  if (settings.billingPeriods.frequency === 'weekly') {
    for (const day of ['startDay', 'endDay', 'dueDay'] as const) {
      if (settings.billingPeriods[day] > 7) {
        errors.push({
          field: `billingPeriods.${day}`,
          message: `A weekly billing period’s ${day} is an ISO weekday from 1 (Monday) to 7 (Sunday); it is ${settings.billingPeriods[day]}.`,
        });
      }
    }
  }
  return { settings, errors };
}

type RetainageSettings = ProjectSettings['retainage'];

/**
 * Retainage settings after a partial change: given fields replace; a bucket's % above zero given
 * without its `…Enabled` turns the bucket on (a materials % alone must not leave line 5b at 0
 * without a word), and a % of zero alone leaves it as it was.
 */
export function mergeRetainage(current: RetainageSettings, patch: Partial<RetainageSettings>): RetainageSettings {
  const merged = { ...current, ...definedOnly(patch) };
  const isAboveZero = (percent: string) => /[1-9]/.test(percent);
  if (patch.workPercent !== undefined && patch.workEnabled === undefined && isAboveZero(patch.workPercent)) merged.workEnabled = true;
  if (patch.materialsPercent !== undefined && patch.materialsEnabled === undefined && isAboveZero(patch.materialsPercent)) merged.materialsEnabled = true;
  return merged;
}

/** The contract details after a patch: given fields replace, null removes; none left, none kept. */
function mergeContract(current: ContractDetails | undefined, patch: SettingsPatch['contract']): { contract?: ContractDetails } {
  const merged = { ...current, ...definedOnly(patch ?? {}) };
  const kept = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== null && value !== undefined)) as ContractDetails;
  return Object.keys(kept).length ? { contract: kept } : {};
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The currency money figures are printed in: ISO 4217 code and the sign printed before amounts. */
export interface Currency {
  code: string;
  sign: string;
}

const regionalCurrencies: Record<Region, Currency> = {
  'en-US': { code: 'USD', sign: '$' },
  'en-CA': { code: 'CAD', sign: '$' },
  'en-AU': { code: 'AUD', sign: '$' },
  'en-GB': { code: 'GBP', sign: '£' },
};

/** A project's currency unless it sets one: the region's own. */
export function defaultCurrency(region: Region): Currency {
  return regionalCurrencies[region];
}

/** Whether the runtime knows `code` as an ISO 4217 currency. */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

/**
 * The project's currency, its sign derived from the code: the narrow sign ("€" for EUR), unless it
 * would read as the region's own (USD's "$" in en-AU), then the sign the region writes ("US$").
 */
export function currencyOf(project: { region: Region; currency?: string }): Currency {
  const regional = regionalCurrencies[project.region];
  if (!project.currency || project.currency === regional.code) return regional;
  const signAs = (currencyDisplay: 'narrowSymbol' | 'symbol') =>
    new Intl.NumberFormat(project.region, { style: 'currency', currency: project.currency, currencyDisplay }).formatToParts(0).find((part) => part.type === 'currency')?.value ??
    project.currency!;
  const narrow = signAs('narrowSymbol');
  return { code: project.currency, sign: narrow === regional.sign ? signAs('symbol') : narrow };
}

const fractionDigitsByCode = new Map<string, number>();

/** The digits after the point a currency is written with, as Intl knows it: JPY and KRW 0, AUD 2, BHD and KWD 3. */
export function currencyFractionDigits(code: string): number {
  let digits = fractionDigitsByCode.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigitsByCode.set(code, digits);
  }
  return digits;
}

/**
 * 154313 in USD → "$1,543.13"; -5 → "-$0.05"; 123456700 in JPY → "¥1,234,567"; 123456 in BHD →
 * "BHD 1,234.560" (a sign in letters is kept apart from the digits by a no-break space).
 */
export function formatAmount(cents: number, currency: Currency): string {
  const figure = formatMoney(cents, currencyFractionDigits(currency.code));
  const sign = /\p{L}$/u.test(currency.sign) ? `${currency.sign}\u00a0` : currency.sign;
  return figure.startsWith('-') ? `-${sign}${figure.slice(1)}` : `${sign}${figure}`;
}
