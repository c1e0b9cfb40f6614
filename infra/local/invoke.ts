import fs from 'node:fs';
import path from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from '../../shared/aws/event-bridge';
import { detailSchemas, eventSource, type DetailType } from '../../events/contracts';
import { schedules } from '../../shared/wiring/schedules';
import { repoRoot } from './lambda';
import { defaultDataDir, runtimeFilePath, type RuntimeFile } from './runtime';
import { runSchedule } from './scheduler';

/**
 * `npm run invoke -- <schedule name | detail-type> [json detail]`: fires one now against the
 * running `npm start`. A schedule runs its target here, with the running stack's environment;
 * an event is put on the running bus (checked against its contract), which delivers it there.
 */
const [name, detailArgument] = process.argv.slice(2);
const valid = `Schedules: ${schedules.map((s) => s.name).join(', ')}. Detail-types: ${Object.keys(detailSchemas).join(', ')}.`;
if (!name) fail(`Usage: npm run invoke -- <schedule name | detail-type> [json detail]\n${valid}`);

const runtime = readRuntimeFile();
Object.assign(process.env, runtime.env);

const schedule = schedules.find((s) => s.name === name);
if (schedule) {
  const result = await runSchedule(schedule, new Date());
  console.log(`${schedule.name} → ${schedule.target}: ${JSON.stringify(result) ?? 'done'}`);
} else if (name in detailSchemas) {
  await putEvent(name as DetailType, detailArgument);
} else {
  fail(`Unknown schedule or detail-type "${name}". ${valid}`);
}

async function putEvent(detailType: DetailType, json: string | undefined) {
  // Without a detail, the sample event of that type (events/samples) is sent.
  const sample = path.join(repoRoot, 'events/samples', `${detailType}.json`);
  let detail: unknown;
  try {
    detail = json !== undefined ? JSON.parse(json) : (JSON.parse(fs.readFileSync(sample, 'utf8')) as { detail: unknown }).detail;
  } catch (error) {
    fail(json !== undefined ? `The detail is not valid JSON: ${(error as Error).message}` : `No detail given and no sample at ${sample}.`);
  }
  const parsed = detailSchemas[detailType].safeParse(detail);
  if (!parsed.success) {
    fail(`The detail does not match the ${detailType} contract:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
  const result = await eventBridgeClient().send(
    new PutEventsCommand({
      Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: eventSource, DetailType: detailType, Detail: JSON.stringify(parsed.data) }],
    }),
  );
  const [entry] = result.Entries ?? [];
  if (!entry?.EventId) fail(`The bus refused the event: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
  console.log(`${detailType} put on ${process.env.EVENT_BUS_NAME} as ${entry.EventId}; the running server delivers it (see its terminal).`);
}

function readRuntimeFile(): RuntimeFile {
  const notRunning = 'The local stack is not running: start it with `npm start` (in another terminal) first.';
  let file: RuntimeFile;
  try {
    file = JSON.parse(fs.readFileSync(runtimeFilePath(defaultDataDir), 'utf8')) as RuntimeFile;
  } catch {
    return fail(notRunning);
  }
  try {
    process.kill(file.pid, 0); // a runtime.json left by a crash names a process that is gone
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') fail(notRunning);
  }
  return file;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
