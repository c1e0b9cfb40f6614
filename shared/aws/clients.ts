import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * One SDK client per service and process. Endpoints come from the SDK's standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, which the local runtime sets and AWS leaves unset,
 * so the same code talks to DynamoDB Local, s3rver and aws-ses-v2-local.
 */
let dynamo: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let ses: SESv2Client | undefined;
let events: EventBridgeClient | undefined;
let sfn: SFNClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

export function s3Client(): S3Client {
  s3 ??= new S3Client({
    // s3rver serves buckets by path, not by virtual host.
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
    // CRC32 checksums by default (SDK >= 3.729) break presigned PUTs and s3rver.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3;
}

export function sesClient(): SESv2Client {
  ses ??= new SESv2Client({});
  return ses;
}

export function eventBridgeClient(): EventBridgeClient {
  events ??= new EventBridgeClient({});
  return events;
}

export function stepFunctionsClient(): SFNClient {
  sfn ??= new SFNClient({});
  return sfn;
}

let cognito: CognitoIdentityProviderClient | undefined;

export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= new CognitoIdentityProviderClient({});
  return cognito;
}

let lambda: LambdaClient | undefined;

export function lambdaClient(): LambdaClient {
  lambda ??= new LambdaClient({});
  return lambda;
}
