import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../shared/aws/dynamo';
import { config } from '../../shared/config';
import { tableKeys } from '../../shared/db/keys';
import { httpHandler } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { logger } from '../../shared/logger';
import { systemRoutes } from '../../shared/api/system';

/** One read of an item that never exists: it proves the table answers, with the function's own read grant. */
const probeKey = { [tableKeys.primary.pk]: 'ready#probe', [tableKeys.primary.sk]: 'ready#probe' };

export const handler = httpHandler(systemRoutes, 'getReady', async () => {
  try {
    await dynamoDocumentClient().send(new GetCommand({ TableName: config.tableName, Key: probeKey }));
  } catch (error) {
    logger.warn('not ready: DynamoDB did not answer', { error: error as Error });
    throw problems.unavailable();
  }
  return { body: { status: 'ready' as const, service: 'progress-claims', time: new Date().toISOString() } };
});
