import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { transactWithRetry } from '../../../shared/db/service';
import { createWriteTransaction } from '../../../shared/db/electrodb';
import { mergeSettings } from '../../../shared/domain/project-settings';
import { InputError } from '../../../shared/domain/errors';
import { loadPeriodsState, scheduleFor } from '../../../shared/db/billing-periods';
import { billingDueFields } from '../../../shared/db/entities/project';
import { toProjectResponse, toSettingsResponse } from '../../../shared/api/projects-views';
import { projectEntities } from './entities';
import { projectView, settingsConfigure } from '../../../shared/domain/permission-rules';

export async function getProject({ caller, path }: HttpInput<'getProject'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(projectView, member);
  return { body: toProjectResponse(project), headers: { etag: etagFor(project.version) } };
}

export async function getProjectSettings({ caller, path }: HttpInput<'getProjectSettings'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(projectView, member);
  return { body: toSettingsResponse(project), headers: { etag: etagFor(project.version) } };
}

const stale = () => problems.preconditionFailed('The project’s settings changed since you read them; read them again (GET …/settings) and retry.');

export async function updateProjectSettings({ caller, path, body, headers }: HttpInput<'updateProjectSettings'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(settingsConfigure, member);
  const expectedVersion = requiredIfMatch(headers, project.version);
  if (expectedVersion !== project.version) throw stale();

  // When the next automatic period opens follows from the settings and the latest period, so
  // the write is conditioned on both the settings version and the periods' version read here.
  for (let attempt = 0; attempt < 3; attempt++) {
    const state = await loadPeriodsState(project.projectId);
    if (!state) throw problems.notFound('No such project.');
    if (state.project.version !== expectedVersion) throw stale();
    const { settings, errors } = mergeSettings(state.project, body);
    if (errors.length) throw new InputError(errors);
    const nextAt = scheduleFor({ ...settings, nextBillingPeriodAt: state.project.nextBillingPeriodAt }, state.periods, new Date());
    const periodsVersion = state.project.periodsVersion as number | undefined; // absent on projects from before issue 4
    const result = await transactWithRetry(() =>
      createWriteTransaction(projectEntities(), ({ Project }) => {
        // Whole nested maps are written: merged above from the version the condition pins.
        const patch = Project.patch({ projectId: project.projectId })
          // An empty contract map when every detail was removed (null), so none lingers.
          .set({ ...settings, contract: settings.contract ?? {}, ...(nextAt ? billingDueFields(project.projectId, nextAt) : {}) })
          .add({ version: 1 });
        const write = (nextAt ? patch : patch.remove(['nextBillingPeriodAt'])).where((attr, op) => {
          const periodsUnchanged =
            periodsVersion === undefined ? op.notExists(attr.periodsVersion) : op.eq(attr.periodsVersion, periodsVersion);
          return `${op.eq(attr.version, expectedVersion)} AND ${periodsUnchanged}`;
        });
        return [write.commit()];
      }).go(),
    );
    if (!result.canceled) return { body: toSettingsResponse(settings), headers: { etag: etagFor(expectedVersion + 1) } };
    // The settings or the periods changed meanwhile: the next round tells which.
  }
  throw problems.conflict('The project’s billing periods are being changed right now; retry.');
}
