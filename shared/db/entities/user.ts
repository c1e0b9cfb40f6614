import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';

/** A person. `userId` is the identity provider's `sub` claim. */
export const User = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'user', version: '1', service: 'claims' },
  attributes: {
    userId: { type: 'string', required: true, readOnly: true },
    email: { type: 'string', required: true },
    name: { type: 'string', required: true },
    companyId: { type: 'string', required: true },
    /** Company administrators create projects; members only work in projects they are added to. */
    companyRole: { type: ['admin', 'member'] as const, required: true, default: () => 'member' as const },
    /** Incremented by every change: the ETag clients send back in If-Match. */
    version: { type: 'number', required: true, default: () => 1 },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['userId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
    byEmail: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['email'] },
      sk: { field: tableKeys.gsi1.sk, composite: [] },
    },
    byCompany: {
      index: 'gsi2',
      pk: { field: tableKeys.gsi2.pk, composite: ['companyId'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['userId'] },
    },
  },
}))();

export type UserItem = EntityItem<typeof User>;
