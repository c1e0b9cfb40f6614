import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ensureBucket, startS3rver } from '../infra/local/aws-services';
import { recordRatio, table } from './stats';

/**
 * What the SDK costs per S3 request, against the least a client can do: the backup's requests
 * (GetObject of a 105 KB source, as MergePart reads 1,200 of them; PutObject of a 640 KB part, as
 * it writes 200) through task-io's functions on our `s3Client()`, and the same requests as raw
 * SigV4-signed `node:http` requests (signing key derived once, UNSIGNED-PAYLOAD, one keep-alive
 * agent, the body read into one buffer). One request at a time, in a child process of its own so
 * that its CPU time is the client's alone: s3rver runs in this process, whose CPU time across
 * each variant's requests is s3rver's. The variants take turns, a block of requests each, each
 * round starting with the next one.
 *
 * `BENCH_S3_REQUESTS` (default 400) sets the requests per variant; `BENCH_S3_VARIANTS=<regex>`
 * keeps the variants whose name it matches.
 */
export async function s3Requests(): Promise<void> {
  const s3 = await startS3rver();
  const bucket = 'bench-s3-requests';
  try {
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'ap-southeast-2', AWS_ENDPOINT_URL_S3: s3.endpoint, BUCKET_NAME: bucket };
    Object.assign(process.env, env);
    await ensureBucket(bucket, s3.endpoint);
    const { s3Client } = await import('../shared/aws/s3');
    for (let i = 0; i < sourceKeys; i++) {
      await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: sourceKey(i), Body: new Uint8Array(sourceBytes).fill(i), ContentType: 'application/pdf' }));
    }

    // `BENCH_CPU_PROF=<dir>` writes the client's CPU profile there.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, '--cpu-prof-name=s3-requests.cpuprofile'] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, ...env, BENCH_S3_REQUESTS_CHILD: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const serverCpuMs: Record<string, number> = {};
    let blockStarted: NodeJS.CpuUsage | undefined;
    const results = await new Promise<VariantResult[]>((resolve, reject) => {
      child.on('message', (message: { start?: string; end?: string; results?: VariantResult[] }) => {
        if (message.start) blockStarted = process.cpuUsage();
        if (message.end) {
          const cpu = process.cpuUsage(blockStarted);
          serverCpuMs[message.end] = (serverCpuMs[message.end] ?? 0) + (cpu.user + cpu.system) / 1000;
          child.send({ next: true });
        }
        if (message.results) resolve(message.results);
      });
      child.once('exit', (code) => reject(new Error(`The S3 request child exited (${code})`)));
    });
    table(
      results.map(({ name, requests, wallMs, cpuMs }) => ({
        variant: name,
        requests,
        'wall p50': `${wallMs.toFixed(2)} ms`,
        'client CPU/request': `${(cpuMs / requests).toFixed(3)} ms`,
        's3rver CPU/request': `${(serverCpuMs[name]! / requests).toFixed(3)} ms`,
      })),
    );
    const byName = Object.fromEntries(results.map((result) => [result.name, result]));
    for (const [ours, raw] of [
      [variants.getObject, variants.rawGet],
      [variants.getObjectInto, variants.rawGet],
      [variants.putPdf, variants.rawPut],
    ].filter((pair) => pair.every((name) => name in byName))) {
      const perRequest = (name: string) => byName[name]!.cpuMs / byName[name]!.requests;
      recordRatio('s3-requests', `client CPU per request: ${ours} / ${raw}`, perRequest(ours!) / perRequest(raw!));
      console.log(`${ours}: ${(perRequest(ours!) - perRequest(raw!)).toFixed(3)} ms of client CPU per request more than ${raw}`);
    }
  } finally {
    await s3.stop();
  }
}

interface VariantResult {
  name: string;
  requests: number;
  /** The median request's wall time. */
  wallMs: number;
  /** The client's CPU time over every request of the variant. */
  cpuMs: number;
}

const sourceBytes = 105 * 1024;
const partBytes = 640 * 1024;
const sourceKeys = 16;
const sourceKey = (i: number) => `uploads/bench/source-${i % sourceKeys}.pdf`;
const partKey = (i: number) => `backups/bench/parts/${String(i % sourceKeys).padStart(4, '0')}.pdf`;

const variants = {
  getObject: 'GET 105 KB: getObject (task-io)',
  getObjectInto: 'GET 105 KB: getObjectInto (task-io)',
  rawGet: 'GET 105 KB: raw signed node:http',
  putPdf: 'PUT 640 KB: putPdf (task-io)',
  rawPut: 'PUT 640 KB: raw signed node:http',
} as const;

/** In the child: each variant's requests, a block of each in turn, the parent told when a block starts and ends. */
async function child(): Promise<void> {
  const { DownloadBuffers, getObject, getObjectInto, putPdf } = await import('../shared/backup/task-io');
  const raw = rawS3(process.env.AWS_ENDPOINT_URL_S3!, process.env.BUCKET_NAME!);
  const buffers = new DownloadBuffers();
  const part = new Uint8Array(partBytes).fill(7);
  const tasks: Record<string, (i: number) => Promise<unknown>> = {
    [variants.getObject]: (i) => getObject(sourceKey(i)),
    [variants.getObjectInto]: async (i) => buffers.give((await getObjectInto(sourceKey(i), buffers))!),
    [variants.rawGet]: (i) => raw.get(sourceKey(i)),
    [variants.putPdf]: (i) => putPdf(partKey(i), part),
    [variants.rawPut]: (i) => raw.put(partKey(i), part, 'application/pdf'),
  };
  const only = new RegExp(process.env.BENCH_S3_VARIANTS ?? '');
  for (const name of Object.keys(tasks)) if (!only.test(name)) delete tasks[name];
  const requests = Number(process.env.BENCH_S3_REQUESTS ?? 400);
  const block = 20;
  // A warm-up block of each (JIT, sockets) that is not counted.
  for (const task of Object.values(tasks)) for (let i = 0; i < block; i++) await task(i);
  const samples = Object.fromEntries(Object.keys(tasks).map((name) => [name, { wall: [] as number[], cpuMs: 0 }]));
  const told = (message: object) =>
    new Promise<void>((resolve) => {
      process.once('message', () => resolve());
      process.send!(message);
    });
  for (let done = 0, round = 0; done < requests; done += block, round++) {
    // Each round starts with the next variant: none always follows the same one (whose garbage it would collect).
    const entries = Object.entries(tasks);
    for (const [name, task] of [...entries.slice(round % entries.length), ...entries.slice(0, round % entries.length)]) {
      process.send!({ start: name });
      const cpuBefore = process.cpuUsage();
      for (let i = done; i < done + block; i++) {
        const started = performance.now();
        await task(i);
        samples[name]!.wall.push(performance.now() - started);
      }
      const cpu = process.cpuUsage(cpuBefore);
      samples[name]!.cpuMs += (cpu.user + cpu.system) / 1000;
      await told({ end: name });
    }
  }
  const results: VariantResult[] = Object.entries(samples).map(([name, { wall, cpuMs }]) => ({
    name,
    requests: wall.length,
    wallMs: [...wall].sort((a, b) => a - b)[Math.floor(wall.length / 2)]!,
    cpuMs,
  }));
  process.send!({ results });
  process.disconnect();
}

/** The least an S3 client does: path-style requests signed with SigV4 (UNSIGNED-PAYLOAD), over one keep-alive agent. */
function rawS3(endpoint: string, bucket: string) {
  const { hostname, port } = new URL(endpoint);
  const host = `${hostname}:${port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const [accessKey, secretKey, region] = [process.env.AWS_ACCESS_KEY_ID!, process.env.AWS_SECRET_ACCESS_KEY!, process.env.AWS_REGION!];
  const signingKeys = new Map<string, Buffer>();
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

  const signed = (method: string, key: string, headers: Record<string, string>) => {
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    let signingKey = signingKeys.get(day);
    if (!signingKey) signingKeys.set(day, (signingKey = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, day), region), 's3'), 'aws4_request')));
    const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const all: Record<string, string> = { ...headers, host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': amzDate };
    const names = Object.keys(all).sort();
    const canonical = [method, path, '', ...names.map((name) => `${name}:${all[name]}`), '', names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
    return { path, headers: { ...all, authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` } };
  };

  const send = (method: string, key: string, headers: Record<string, string>, body?: Uint8Array) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const { path, headers: signedHeaders } = signed(method, key, headers);
      const request = http.request({ host: hostname, port, method, path, headers: signedHeaders, agent }, (response) => {
        const length = Number(response.headers['content-length'] ?? 0);
        const bytes = new Uint8Array(length);
        let at = 0;
        response.on('data', (chunk: Buffer) => {
          bytes.set(chunk, at);
          at += chunk.byteLength;
        });
        response.on('end', () => (response.statusCode! < 300 ? resolve(bytes) : reject(new Error(`${method} ${key}: ${response.statusCode}`))));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });

  return {
    get: (key: string) => send('GET', key, {}),
    put: (key: string, body: Uint8Array, contentType: string) => send('PUT', key, { 'content-length': String(body.byteLength), 'content-type': contentType }, body),
  };
}

if (process.env.BENCH_S3_REQUESTS_CHILD) {
  await child();
  process.exit(0);
}
