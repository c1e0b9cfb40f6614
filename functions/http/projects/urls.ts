export const projectUrl = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}`;
