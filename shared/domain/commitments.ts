/** The vocabulary of commitments (docs/domain.md): shared by the entities, the API schemas and the domain logic. */
export const commitmentTypes = ['subcontract', 'purchase_order'] as const;
export const commitmentStatuses = ['draft', 'out_for_bid', 'out_for_signature', 'approved', 'complete', 'terminated', 'void'] as const;
export const accountingMethods = ['amount', 'unit'] as const;
export const ssovStatuses = ['draft', 'under_review', 'revise_and_resubmit', 'approved'] as const;
/** Each SSOV status as a message says it. */
export const ssovStatusWords: Record<(typeof ssovStatuses)[number], string> = {
  draft: 'draft',
  under_review: 'under review',
  revise_and_resubmit: 'revise & resubmit',
  approved: 'approved',
};
export const changeOrderStatuses = ['pending', 'approved', 'void'] as const;
