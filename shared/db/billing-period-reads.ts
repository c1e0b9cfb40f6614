import { entitiesOf } from './service';
import { BillingPeriod, type BillingPeriodItem } from './entities/billing-period';
import { Project, type ProjectItem } from './entities/project';

/** Reads of single billing periods, apart from billing-periods.ts's writes and the events they publish. */
const readEntities = /* @__PURE__ */ entitiesOf({ Project, BillingPeriod });

/** One billing period of a project, or undefined. `consistent`: read what a write just did. */
export async function loadBillingPeriod(
  projectId: string,
  billingPeriodId: string,
  options: { consistent?: boolean } = {},
): Promise<BillingPeriodItem | undefined> {
  const { data } = await readEntities().BillingPeriod.get({ projectId, billingPeriodId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/**
 * The project's open billing period, or undefined when none is open. Pass the project when it
 * was just read (it holds `openBillingPeriodId`) to save a read.
 */
export async function loadOpenPeriod(
  projectId: string,
  options: { consistent?: boolean; project?: Pick<ProjectItem, 'openBillingPeriodId'> } = {},
): Promise<BillingPeriodItem | undefined> {
  const consistent = options.consistent ?? false;
  const project = options.project ?? (await readEntities().Project.get({ projectId }).go({ consistent })).data;
  if (!project?.openBillingPeriodId) return undefined;
  const period = await loadBillingPeriod(projectId, project.openBillingPeriodId, { consistent });
  return period?.status === 'open' ? period : undefined;
}
