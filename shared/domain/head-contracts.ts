/**
 * Head contracts (prime contracts): the general contractor's contracts with the owner
 * (DOMAIN.md "Head contracts and owner invoices"). Their SOV lines, change orders and retainage
 * are a commitment's (shared/domain/sov.ts serves both kinds of contract); what is theirs alone is here.
 */
export const headContractStatuses = ['draft', 'out_for_signature', 'approved', 'complete', 'terminated'] as const;
export type HeadContractStatus = (typeof headContractStatuses)[number];

/** The two kinds of contract a schedule of values and its change orders belong to. */
export const contractKinds = ['commitment', 'head_contract'] as const;
export type ContractKind = (typeof contractKinds)[number];

/**
 * Why a head contract may not be deleted (→ 409), or undefined. Only a draft goes: once sent out
 * for signature it is a record of what was agreed with the owner, and terminating it is the way out.
 */
export function headContractDeleteRefusal(contract: { number: string; status: HeadContractStatus }): string | undefined {
  if (contract.status === 'draft') return undefined;
  return `Head contract ${contract.number} is ${contract.status}; only a draft can be deleted (set the status to terminated instead).`;
}
