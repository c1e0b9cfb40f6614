import { httpHandler } from '../../shared/http/handler';
import { systemRoutes } from '../../shared/api/system';

export const handler = httpHandler(systemRoutes, 'getHealth', async () => ({
  body: {
    status: 'ok' as const,
    service: 'progress-claims',
    version: process.env.APP_VERSION ?? 'dev',
    time: new Date().toISOString(),
  },
}));
