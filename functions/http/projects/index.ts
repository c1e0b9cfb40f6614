/** The projects function: create, read, settings, members. */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createProject } from './create-project';
import { getProject, getProjectSettings, updateProjectSettings } from './settings';
import { listMembers, putMember, removeMember } from './members';
import { projectRoutes } from '../../../shared/api/projects';

export const handler = httpRouter(projectRoutes, 
  { createProject, getProject, getProjectSettings, updateProjectSettings, listMembers, putMember, removeMember },
  { idempotency: idempotencyKey },
);
