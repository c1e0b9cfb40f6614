import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One SDK client per service and process, each in a module of its own so a function's bundle
 * imports (and pays cold-start time for) only the SDK packages it calls. Endpoints come from the
 * SDK's standard `AWS_ENDPOINT_URL_<SERVICE>` variables, which the local runtime sets and AWS
 * leaves unset, so the same code talks to DynamoDB Local.
 */
let dynamo: DynamoDBDocumentClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}
