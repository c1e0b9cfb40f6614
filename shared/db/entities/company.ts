import type { EntityItem } from 'electrodb';
import { CustomAttributeType, Entity } from '../electrodb';
import { signatureProviders } from '../../domain/signatures';
import type { DocusignAccount } from '../../signature/docusign';
import { tableKeys } from '../keys';

/** A company: the general contractor that owns projects, or a vendor it contracts with. */
export const Company = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'company', version: '1', service: 'claims' },
  attributes: {
    companyId: { type: 'string', required: true, readOnly: true },
    name: { type: 'string', required: true },
    kind: { type: ['general_contractor', 'vendor'] as const, required: true },
    /** For a vendor: the general contractor whose projects it was added to (its tenant). */
    ownerCompanyId: { type: 'string' },
    createdAt: { type: 'string', required: true, readOnly: true },
    /** Who hosts its invoices' e-signatures: the built-in signer (the default) or DocuSign (with `docusign` set). */
    signatureProvider: { type: signatureProviders },
    docusign: { type: CustomAttributeType<DocusignAccount>('any') },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['companyId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
  },
}))();

export type CompanyItem = EntityItem<typeof Company>;
