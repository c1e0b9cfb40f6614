import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureTable, startLocalAws } from '../infra/local/aws-services';
import { openLocalIdp } from '../infra/local/auth';
import { startHttpServer } from '../infra/local/http-server';
import { freePort } from '../infra/local/ports';
import { dynamoDocumentClient } from '../shared/aws/dynamo';
import { localDate } from '../shared/domain/billing-periods';
import { contactInProjects } from '../test/support/my-work-fixtures';
import { ms, recordRatio, table } from './stats';

/**
 * GET /v1/me/tasks through the local API Gateway for an invoice contact in 1 and in 20 projects
 * (a task in each): DynamoDB requests per page (the design's promise: the same, whatever the
 * number of projects) and the time per page.
 */
export async function myWork(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 100);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-my-work-'));
  const aws = await startLocalAws();
  Object.assign(process.env, aws.env, { TABLE_NAME: 'bench-my-work', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  await ensureTable('bench-my-work', aws.env.AWS_ENDPOINT_URL_DYNAMODB!);
  let requests = 0;
  dynamoDocumentClient().middlewareStack.add((next) => (args) => ((requests += 1), next(args)), { step: 'initialize', name: 'countRequests' });

  const idp = await openLocalIdp(dataDir);
  const api = await startHttpServer({ port: await freePort(), host: '127.0.0.1', idp, log: () => undefined });
  const context = { companyId: 'bench-gc', vendorId: 'bench-vendor', vendorName: 'Bench Electrical', today: localDate(new Date(), 'Australia/Sydney') };
  const rows = [];
  const measured: Array<{ requests: number; meanMs: number }> = [];
  try {
    for (const projects of [1, 20]) {
      const user = await contactInProjects(projects, context);
      const authorization = `Bearer ${await idp.signToken({ sub: user.userId, email: user.email, name: user.name })}`;
      const page = async () => {
        const response = await fetch(`${api.url}/v1/me/tasks?limit=20`, { headers: { authorization } });
        return (await response.json()) as { items: unknown[] };
      };
      await page();
      const before = requests;
      const started = performance.now();
      let items = 0;
      for (let run = 0; run < runs; run++) items = (await page()).items.length;
      measured.push({ requests: (requests - before) / runs, meanMs: (performance.now() - started) / runs });
      rows.push({ projects, 'tasks on the page': items, 'DynamoDB requests per page': measured.at(-1)!.requests, 'mean per page': ms(measured.at(-1)!.meanMs) });
    }
    table(rows);
    const [one, twenty] = measured as [(typeof measured)[number], (typeof measured)[number]];
    recordRatio('my-work', 'DynamoDB requests per page: 20 projects / 1 project', twenty.requests / one.requests, '1.00×');
    recordRatio('my-work', 'mean per page: 20 projects / 1 project', twenty.meanMs / one.meanMs);
  } finally {
    await api.stop();
    await aws.stop();
  }
}
