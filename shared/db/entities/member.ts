import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { toolLevels, granularPermissions } from '../../domain/permissions';

/** A user's membership of a project: one level per tool plus granular permissions. */
export const Member = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'member', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    userId: { type: 'string', required: true, readOnly: true },
    commitments: { type: toolLevels, required: true },
    headContracts: { type: toolLevels, required: true },
    // A set has no empty form in DynamoDB: absent means no granular permissions.
    granular: { type: 'set', items: granularPermissions },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['userId'] },
    },
    byUser: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['userId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['projectId'] },
    },
  },
}))();

export type MemberItem = EntityItem<typeof Member>;
