import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aslFunctionNames } from '../../infra/aws/backup-workflow';
import { backupAslPath } from '../../infra/aws/paths';
import { functionArnPlaceholder, functions } from '../../shared/wiring/functions';

const task = (resource: string) => ({ Type: 'Task', Resource: resource, End: true });
const asl = (...resources: string[]) =>
  JSON.stringify({
    StartAt: 'S0',
    States: Object.fromEntries(resources.map((resource, i) => [`S${i}`, task(resource)])),
  });

describe('aslFunctionNames', () => {
  it('maps each ${<name>FunctionArn} placeholder back to its function, once', () => {
    const placeholder = `\${${functionArnPlaceholder('backupCombine')}}`;
    expect(aslFunctionNames(asl(placeholder, `\${${functionArnPlaceholder('backupMergePart')}}`, placeholder))).toEqual([
      'backupCombine',
      'backupMergePart',
    ]);
  });

  it('fails, naming the file and the placeholder, when a placeholder names no function', () => {
    expect(() => aslFunctionNames(asl('${mergeEverythingFunctionArn}'), 'backup.asl.json')).toThrow(
      /backup\.asl\.json: placeholder \$\{mergeEverythingFunctionArn\} names no function/,
    );
  });

  it('fails on an ASL file that is not JSON', () => {
    expect(() => aslFunctionNames('{"StartAt": ', 'backup.asl.json')).toThrow(/backup\.asl\.json is not valid JSON/);
  });

  it('accepts the real workflow: every task placeholder names a declared function', () => {
    expect(aslFunctionNames(readFileSync(backupAslPath, 'utf8'), backupAslPath).length).toBeGreaterThan(0);
  });

  it('bounds every execution: the state machine times out after at most two hours', () => {
    const { TimeoutSeconds } = JSON.parse(readFileSync(backupAslPath, 'utf8')) as { TimeoutSeconds?: number };
    expect(TimeoutSeconds).toBeGreaterThan(0);
    expect(TimeoutSeconds).toBeLessThanOrEqual(7200);
  });
});

describe('the backup workflow’s routes', () => {
  interface State {
    Type: string;
    Next?: string;
    Default?: string;
    Choices?: Array<{ Variable: string; StringEquals: string; Next: string }>;
    Resource?: string;
    Parameters?: Record<string, unknown>;
    ResultPath?: string | null;
    TimeoutSeconds?: number;
    Retry?: unknown[];
    Catch?: Array<{ ErrorEquals: string[]; ResultPath?: string | null; Next: string }>;
  }
  const { States } = JSON.parse(readFileSync(backupAslPath, 'utf8')) as { States: Record<string, State> };

  it('chooses after Prepare: the volume route for route "volume", else the parts route (MergeParts)', () => {
    expect(States.Prepare!.Next).toBe('ChooseRoute');
    expect(States.ChooseRoute).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.backup.route', StringEquals: 'volume', Next: 'MergeVolume' }], Default: 'MergeParts' });
  });

  it('gives Prepare, which describes every part in the volume route, as long as its function has', () => {
    expect(States.Prepare!.TimeoutSeconds).toBe(functions.backupPrepare.timeoutSeconds);
  });

  it('merges the volume in one task that hands the backup to the parts route on EncryptedSources or NeedsVolumes, and fails the job on anything else', () => {
    expect(States.MergeVolume).toMatchObject({
      Type: 'Task',
      Resource: `\${${functionArnPlaceholder('backupMergeVolume')}}`,
      Parameters: { 'outputKey.$': '$.backup.outputKey', 'cover.$': '$.backup.cover', 'manifestKey.$': '$.backup.manifestKey' },
      // Where the CombineVolumes Map puts its answers: Finalize reads the same array either way.
      ResultPath: States.CombineVolumes!.ResultPath,
      TimeoutSeconds: 900,
      Retry: States.Prepare!.Retry,
      Next: 'Finalize',
    });
    expect(States.MergeVolume!.Catch).toEqual([
      { ErrorEquals: ['EncryptedSources', 'NeedsVolumes'], ResultPath: null, Next: 'MergeParts' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' },
    ]);
  });
});
