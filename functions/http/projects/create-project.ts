import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { createWriteTransaction } from '../../../shared/db/electrodb';
import { projectEntities } from './entities';
import { defaultProjectSettings, mergeSettings } from '../../../shared/domain/project-settings';
import { InputError } from '../../../shared/domain/errors';
import { nextBillingPeriodAt } from '../../../shared/domain/billing-periods';
import { companyAdminRefusal } from '../../../shared/domain/permissions';
import { toProjectResponse } from '../../../shared/api/projects-views';
import { projectUrl } from './urls';

/** The caller's company, when the caller may create projects in it (403 otherwise). */
async function creatorCompany(userId: string) {
  const { User, Company } = projectEntities();
  const { data: user } = await User.get({ userId }).go();
  const { data: company } = user ? await Company.get({ companyId: user.companyId }).go() : { data: null };
  const refusal = companyAdminRefusal(
    'projects.create',
    user && company ? { companyKind: company.kind, companyName: company.name, companyRole: user.companyRole } : undefined,
  );
  if (refusal || !user || !company) throw problems.forbidden(refusal ?? 'No such account.');
  return company;
}

export async function createProject({ caller, body }: HttpInput<'createProject'>): Promise<Reply> {
  const company = await creatorCompany(caller.userId);
  const { name, number, ...requested } = body;
  const { settings, errors } = mergeSettings({ ...defaultProjectSettings(body.region), timeZone: body.timeZone }, requested);
  if (errors.length) throw new InputError(errors);

  const clock = new Date();
  const now = clock.toISOString();
  // Automatic periods from the start: the billing cycle opens the period containing today.
  const nextAt = nextBillingPeriodAt(settings.billingPeriods, settings.timeZone, undefined, clock);
  const project = {
    projectId: randomUUID(),
    companyId: company.companyId,
    name,
    number,
    ...settings,
    createdBy: caller.userId,
    version: 1,
    periodsVersion: 0,
    ...(nextAt ? { nextBillingPeriodAt: nextAt } : {}),
    createdAt: now,
  };
  // The project and its first admin together: a project nobody administers must never exist.
  const result = await createWriteTransaction(projectEntities(), ({ Project, Member }) => [
    Project.create(project).commit(),
    Member.create({ projectId: project.projectId, userId: caller.userId, commitments: 'admin', headContracts: 'admin', createdAt: now }).commit(),
  ]).go();
  if (result.canceled) throw new Error(`creating project ${project.projectId} was canceled: ${JSON.stringify(result.data)}`);
  return {
    status: 201,
    body: toProjectResponse(project),
    headers: { location: projectUrl(project.projectId), etag: etagFor(project.version) },
  };
}
