/** Region terminology (docs/domain.md "Terminology by region"): used in emails and PDFs; API fields stay en-US. */
export const regions = ['en-US', 'en-AU', 'en-CA', 'en-GB'] as const;
export type Region = (typeof regions)[number];

export interface Terms {
  invoice: string;
  retainage: string;
  headContract: string;
}

const termsByRegion: Record<Region, Terms> = {
  'en-US': { invoice: 'Invoice', retainage: 'Retainage', headContract: 'Prime Contract' },
  'en-AU': { invoice: 'Progress Claim', retainage: 'Retention', headContract: 'Head Contract' },
  'en-CA': { invoice: 'Invoice', retainage: 'Holdback', headContract: 'Prime Contract' },
  'en-GB': { invoice: 'Payment Application', retainage: 'Retention', headContract: 'Main Contract' },
};

export function termsFor(region: Region): Terms {
  return termsByRegion[region];
}
