import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aslFunctionNames } from '../../infra/aws/backup-workflow';
import { backupAslPath } from '../../infra/aws/paths';
import { functionArnPlaceholder } from '../../shared/wiring/functions';

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
