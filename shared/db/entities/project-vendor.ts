import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';

/** A vendor company the project contracts with (the vendor itself is a Company of kind `vendor`). */
export const ProjectVendor = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'projectVendor', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    vendorId: { type: 'string', required: true, readOnly: true },
    /** The vendor company's name, copied for lists and search. */
    name: { type: 'string', required: true },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['vendorId'] },
    },
  },
}))();

export type ProjectVendorItem = EntityItem<typeof ProjectVendor>;
