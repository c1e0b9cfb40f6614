/** The API's views of a project and its settings (the schemas they follow are in projects.docs.ts, which no handler bundles). */
import type { ProjectItem } from '../db/entities/project';
import { currencyOf } from '../domain/project-settings';
import type { ProjectResponse, ProjectSettingsResponse } from './projects.docs';

export type StoredSettings = Pick<
  ProjectItem,
  'timeZone' | 'region' | 'retainage' | 'overbillingAllowed' | 'defaultInvoiceType' | 'notifyContactsOnApproval' | 'billingPeriods' | 'contract' | 'currency'
> & Pick<Partial<ProjectItem>, 'ownerApprovalHoldsSubcontractorInvoices' | 'overpaymentAllowed'>;

export function toSettingsResponse(project: StoredSettings): ProjectSettingsResponse {
  const { reminderDaysBeforeDue, ...billing } = project.billingPeriods;
  return {
    timeZone: project.timeZone,
    region: project.region,
    retainage: { ...project.retainage },
    overbillingAllowed: project.overbillingAllowed,
    defaultInvoiceType: project.defaultInvoiceType,
    notifyContactsOnApproval: project.notifyContactsOnApproval,
    ownerApprovalHoldsSubcontractorInvoices: project.ownerApprovalHoldsSubcontractorInvoices ?? false,
    overpaymentAllowed: project.overpaymentAllowed ?? false,
    billingPeriods: { ...billing, reminderDaysBeforeDue: reminderDaysBeforeDue ?? null },
    contract: { ownerName: project.contract?.ownerName ?? null, architectName: project.contract?.architectName ?? null, date: project.contract?.date ?? null },
    currency: currencyOf(project),
  };
}

export function toProjectResponse(project: ProjectItem): ProjectResponse {
  return {
    projectId: project.projectId,
    companyId: project.companyId,
    name: project.name,
    number: project.number,
    settings: toSettingsResponse(project),
    createdBy: project.createdBy,
    createdAt: project.createdAt,
  };
}

