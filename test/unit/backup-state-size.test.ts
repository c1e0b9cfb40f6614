import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { CombinedBackup } from '../../functions/backup/combine';
import type { MergedPartCounts } from '../../functions/backup/merge-part';
import type { PlannedVolume } from '../../functions/backup/plan-volumes';
import type { PartInput } from '../../functions/backup/prepare-part';
import type { PreparedBackup } from '../../functions/backup/prepare';
import { backupDefinitionFile } from '../../infra/local/step-functions';
import { maxInvoicesPerBackup } from '../../shared/api/backups';
import { decryptedSourceKey, EncryptedSourcesError, type PartToMerge } from '../../shared/backup/task-io';
import { backupOutputKey, backupPartKey, backupPartsManifestKey } from '../../shared/db/backups';
import { attachmentKey } from '../../shared/storage/keys';

/**
 * Step Functions fails an execution (States.DataLimitExceeded, which no Catch can catch) when a
 * state's input or output passes 256 KB. The real ASL runs here with Task handlers answering the
 * largest values their types allow — 500 invoices, each with 50 files of 255-character names, every
 * file left out, each invoice a volume of its own — and every state's input and output is
 * measured, inside the Maps too.
 */
const stateLimitBytes = 256 * 1024;
const filesPerInvoice = 50;
const longName = (n: number) => `${'Very long subcontractor statement name '.repeat(7).slice(0, 245)} ${String(n).padStart(5, '0')}.pdf`;
const long = (length: number) => 'W'.repeat(length);

const projectId = randomUUID();
const jobId = randomUUID();
const outputKey = backupOutputKey(jobId, `${long(200)}.pdf`);

const handlers = {
  Prepare: (): PreparedBackup => ({
    outputKey,
    cover: {
      title: 'Payment Application backup',
      lines: [`${long(200)} (${long(50)})`, `Compiled 31/12/2026 at 23:59 (America/Argentina/ComodRivadavia)`, '500 payment applications'],
      subject: `${long(200)} (${long(50)}): 500 payment applications with their files`,
      createdAt: '2026-12-31T23:59:59.999Z',
    },
    parts: Array.from({ length: maxInvoicesPerBackup }, (_, index) => ({ invoiceId: randomUUID(), partKey: backupPartKey(jobId, index) })),
    route: 'parts',
  }),
  PreparePart: (input: { invoiceId: string; partKey: string }): PartInput => ({
    partKey: input.partKey,
    title: `${long(50)} ${long(200)} — Progress claim 999 (${long(50)})`,
    invoice: { invoiceId: input.invoiceId, number: long(50), commitmentNumber: long(50), commitmentTitle: long(200) },
    sources: Array.from({ length: filesPerInvoice + 1 }, (_, n) => ({
      attachmentId: randomUUID(),
      key: attachmentKey({ companyId: randomUUID(), projectId, invoiceId: input.invoiceId }, randomUUID(), randomUUID(), longName(n)),
      title: longName(n),
    })),
  }),
  MergePart: (input: PartInput): MergedPartCounts => ({ partKey: input.partKey, pages: 99_999, bytes: 4_999_999_999, warningCount: filesPerInvoice }),
  RecordProgress: () => ({ counted: true }),
  // The most volumes there can be: every invoice bigger than a volume holds, a volume of its own.
  PlanVolumes: (input: { parts: MergedPartCounts[] }): { volumes: PlannedVolume[] } => ({
    volumes: input.parts.map((_, index) => ({ volume: index + 1, of: input.parts.length, first: index, count: 1 })),
  }),
  Combine: (input: { volume: number }): CombinedBackup => ({ volume: input.volume, pages: 99_999, bytes: 4_999_999_999, warningCount: filesPerInvoice }),
  Finalize: (input: { volumes: CombinedBackup[] }) => ({ volumes: input.volumes.length, status: 'succeeded', warningCount: input.volumes.reduce((sum, volume) => sum + volume.warningCount, 0) }),
  MarkFailed: () => ({ marked: true }),
};

/** The volume route: every part's description is in S3 (Prepare's manifest), MergeVolume answers the one volume. */
const volumeHandlers = {
  ...handlers,
  Prepare: (): PreparedBackup => ({ ...handlers.Prepare(), route: 'volume', manifestKey: backupPartsManifestKey(jobId) }),
  MergeVolume: (): CombinedBackup[] => [{ volume: 1, pages: 99_999, bytes: 4_999_999_999, warningCount: maxInvoicesPerBackup * filesPerInvoice }],
};

/** The volume route handing the backup over to the parts route: MergeVolume finds it needs several volumes. */
const handedOverHandlers = {
  ...volumeHandlers,
  MergeVolume: (): never => {
    throw Object.assign(new Error('the backup needs several volumes'), { name: 'NeedsVolumes' });
  },
};

/** Every part met an encrypted file: each goes through DecryptSources (every file decrypted) and MergeDecryptedPart. */
const decryptingHandlers = {
  ...handlers,
  MergePart: (): never => {
    throw new EncryptedSourcesError('an encrypted file');
  },
  DecryptSources: (input: PartToMerge): PartToMerge => ({
    ...input,
    sources: input.sources.map((source, index) => ({ ...source, key: decryptedSourceKey(input.partKey, index) })),
    decryptionTried: true,
  }),
  MergeDecryptedPart: handlers.MergePart,
};

describe('the backup workflow state at the largest backup the API accepts', () => {
  it.each([
    ['', handlers, ['MergePart output', 'PlanVolumes output', 'CombineVolumes output', 'Combine input'], ['MergeVolume input']],
    [', every part through DecryptSources', decryptingHandlers, ['MergeDecryptedPart output', 'PlanVolumes output', 'CombineVolumes output', 'Combine input'], ['MergeVolume input']],
    [', the volume route', volumeHandlers, ['ChooseRoute output', 'MergeVolume input', 'MergeVolume output'], ['MergeParts input', 'PlanVolumes input']],
    [', the volume route handing over to the parts route', handedOverHandlers, ['MergeVolume input', 'MergePart output', 'CombineVolumes output'], []],
  ])(`stays far under the 256 KB limit: ${maxInvoicesPerBackup} invoices × ${filesPerInvoice} long-named files%s`, async (_case, taskHandlers, routeStates, notEntered) => {
    const definition = JSON.parse(readFileSync(backupDefinitionFile, 'utf8')) as StateMachineDefinition;
    const machine = new StateMachine(definition);
    const execution = machine.run({ projectId, jobId }, { overrides: { taskResourceLocalHandlers: taskHandlers as never } });

    const largest = new Map<string, number>();
    const measure = (name: string, value: unknown) => {
      if (value === undefined) return;
      const size = Buffer.byteLength(JSON.stringify(value));
      largest.set(name, Math.max(largest.get(name) ?? 0, size));
    };
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered' || event.type === 'StateExited') {
        measure(`${event.state.name} input`, event.state.input);
        measure(`${event.state.name} output`, event.state.output);
      }
      if (event.type === 'ExecutionSucceeded') measure('execution output', event.output);
    }
    await expect(execution.result).resolves.toMatchObject({ status: 'succeeded', warningCount: 25_000 });

    const [name, bytes] = [...largest].sort((a, b) => b[1] - a[1])[0]!;
    console.info(`Largest backup workflow state: ${name}, ${bytes} bytes (${((100 * bytes) / stateLimitBytes).toFixed(1)}% of 256 KB)`);
    // Every state measured, the Map's iterations included.
    expect([...largest.keys()]).toEqual(expect.arrayContaining(['Prepare output', ...routeStates, 'Finalize input']));
    // The other route's states were never entered.
    for (const state of notEntered) expect([...largest.keys()]).not.toContain(state);
    // Half the limit: room for longer keys or names before anything comes near it.
    expect(bytes).toBeLessThan(stateLimitBytes / 2);
  });
});
