import { Logger } from '@aws-lambda-powertools/logger';

/** The structured JSON logger every function uses (Powertools; level from POWERTOOLS_LOG_LEVEL). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'progress-claims' });
