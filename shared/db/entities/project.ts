import { Entity } from 'electrodb';
import { tableKeys } from '../keys';
import { regions } from '../../domain/terminology';

/** A construction project, owned by one company. */
export const Project = new Entity({
  model: { entity: 'project', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    companyId: { type: 'string', required: true, readOnly: true },
    name: { type: 'string', required: true },
    number: { type: 'string', required: true },
    timeZone: { type: 'string', required: true },
    region: { type: regions, required: true },
    /** When the next automatic billing period opens (ISO instant); absent when frequency is `never`. */
    nextBillingPeriodAt: { type: 'string' },
    createdAt: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
    byCompany: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['companyId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['projectId'] },
    },
    /** Sparse: only projects with automatic billing periods, ordered by when the next one is due. */
    byBillingDue: {
      index: 'gsi2',
      condition: (attributes) => attributes.nextBillingPeriodAt !== undefined,
      pk: { field: tableKeys.gsi2.pk, composite: [] },
      sk: { field: tableKeys.gsi2.sk, composite: ['nextBillingPeriodAt'] },
    },
  },
});
