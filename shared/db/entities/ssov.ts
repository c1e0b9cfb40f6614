import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { ssovStatuses } from '../../domain/commitments';

/**
 * The subcontractor's own breakdown of each SOV line: sub-lines that must add up exactly to
 * their parent before it can be submitted. One item per commitment, versioned like the SOV.
 */
export const Ssov = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'ssov', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    status: { type: ssovStatuses, required: true },
    lines: {
      type: 'list',
      required: true,
      items: {
        type: 'map',
        properties: {
          subLineId: { type: 'string', required: true },
          parentLineId: { type: 'string', required: true },
          description: { type: 'string', required: true },
          amountCents: { type: 'number', required: true },
        },
      },
    },
    /** The reviewer's comment when sent back for revision. */
    reviewComment: { type: 'string' },
    submittedAt: { type: 'string' },
    submittedBy: { type: 'string' },
    reviewedAt: { type: 'string' },
    reviewedBy: { type: 'string' },
    version: { type: 'number', required: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byCommitment: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['commitmentId'] },
    },
  },
}))();

export type SsovItem = EntityItem<typeof Ssov>;
