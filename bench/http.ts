import http from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalAws } from '../infra/local/aws-services';
import { openLocalIdp, localUserId } from '../infra/local/auth';
import { startHttpServer } from '../infra/local/http-server';
import { freePort } from '../infra/local/ports';
import { seedDemoData } from '../infra/local/seed';
import { dynamoDocumentClient } from '../shared/aws/dynamo';
import { db } from '../shared/db/service';
import { compare, ms, recordRatio, table } from './stats';

/**
 * The HTTP stack's cost: GET /health and GET /v1/me through the local API Gateway and the
 * middy chain, against two references in the same process — a bare Node server answering the
 * same bytes (loopback + HTTP), and the very DynamoDB requests /v1/me makes, sent directly.
 */
export async function http_(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 500);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-http-'));
  const aws = await startLocalAws();
  Object.assign(process.env, aws.env, {
    TABLE_NAME: 'bench',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  await ensureTable('bench', aws.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await seedDemoData();

  let dynamoRequests = 0;
  dynamoDocumentClient().middlewareStack.add((next) => (args) => ((dynamoRequests += 1), next(args)), { step: 'initialize', name: 'countRequests' });

  const idp = await openLocalIdp(dataDir);
  const api = await startHttpServer({ port: await freePort(), host: '127.0.0.1', idp, log: () => undefined });
  const email = 'priya@northbeam.example';
  const userId = localUserId(email);
  const authorization = `Bearer ${await idp.signToken({ sub: userId, email, name: 'Priya Patel' })}`;
  const meBody = await (await fetch(`${api.url}/v1/me`, { headers: { authorization } })).text();

  const bare = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(meBody));
  const barePort = await freePort();
  await new Promise<void>((resolve) => bare.listen(barePort, '127.0.0.1', resolve));

  const before = dynamoRequests;
  await fetch(`${api.url}/v1/me`, { headers: { authorization } }).then((r) => r.text());
  const requestsPerMe = dynamoRequests - before;

  // The same DynamoDB requests /v1/me makes, without the HTTP stack around them.
  const documents = dynamoDocumentClient();
  const { User, Company, Member, Project } = db();
  const directDynamo = async () => {
    const { Item: user } = await documents.send(new GetCommand(User.get({ userId }).params() as never));
    const [, memberships] = await Promise.all([
      documents.send(new GetCommand(Company.get({ companyId: String(user!.companyId) }).params() as never)),
      documents.send(new QueryCommand(Member.query.byUser({ userId }).params() as never)),
    ]);
    const projectIds = (memberships.Items ?? []).map((item) => ({ projectId: String(item.projectId) }));
    await documents.send(new BatchGetCommand(Project.get(projectIds).params()[0] as never));
  };

  const fetchText = (url: string, init?: RequestInit) => () => fetch(url, init).then((r) => r.text());
  const results = await compare(runs, {
    'bare Node server, same bytes (reference)': fetchText(`http://127.0.0.1:${barePort}/`),
    'GET /health': fetchText(`${api.url}/health`),
    'DynamoDB requests of /v1/me, direct (reference)': directDynamo,
    'GET /v1/me': fetchText(`${api.url}/v1/me`, { headers: { authorization } }),
  });
  table(
    Object.entries(results).map(([what, t]) => ({ what, p50: ms(t.p50), p99: ms(t.p99), mean: ms(t.mean), runs: t.runs })),
  );
  const bareP50 = results['bare Node server, same bytes (reference)'].p50;
  const dynamoP50 = results['DynamoDB requests of /v1/me, direct (reference)'].p50;
  console.log(`DynamoDB requests per GET /v1/me: ${requestsPerMe} (GetItem user; GetItem company + Query memberships; BatchGet projects)`);
  console.log(`GET /health p50 / bare server p50: ${(results['GET /health'].p50 / bareP50).toFixed(2)}×`);
  recordRatio('http', 'GET /health p50 / bare Node server p50', results['GET /health'].p50 / bareP50);
  recordRatio('http', 'GET /v1/me p50 / (bare server + direct DynamoDB) p50', results['GET /v1/me'].p50 / (bareP50 + dynamoP50));
  console.log(
    `GET /v1/me p50 / (bare server + direct DynamoDB) p50: ${(results['GET /v1/me'].p50 / (bareP50 + dynamoP50)).toFixed(2)}× ` +
      `(stack overhead ≈ ${ms(results['GET /v1/me'].p50 - bareP50 - dynamoP50)})`,
  );

  bare.close();
  await api.stop();
  await aws.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}

export { http_ as http };
