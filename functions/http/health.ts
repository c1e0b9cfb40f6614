import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler('getHealth', async () => ({
  body: {
    status: 'ok' as const,
    service: 'progress-claims',
    version: process.env.APP_VERSION ?? 'dev',
    time: new Date().toISOString(),
  },
}));
