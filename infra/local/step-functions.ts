import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { functionArnPlaceholder, functions, type FunctionName } from '../../shared/wiring/functions';
import { invokeLocal, repoRoot } from './lambda';
import { freePort, PortInUseError } from './ports';

/**
 * The local Step Functions runtime: the same ASL file CDK deploys, run by
 * aws-local-stepfunctions with each Task's `${<name>FunctionArn}` mapped to that function's
 * handler, and a small server speaking the Step Functions JSON protocol in front of it.
 */

export const backupDefinitionFile = path.join(repoRoot, 'shared/wiring/backup.asl.json');
const localStateMachineArn = 'arn:aws:states:ap-southeast-2:000000000000:stateMachine:backup-local';

type Json = Parameters<StateMachine['run']>[0];
type States = StateMachineDefinition['States'];

export type WorkflowResult =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error: string; cause: string };

/**
 * Task state name → the function its Resource placeholder names, for every Task of the
 * definition, including those inside Map item processors and Parallel branches.
 */
export function taskFunctions(definition: Pick<StateMachineDefinition, 'States'>): Record<string, FunctionName> {
  const byPlaceholder = new Map((Object.keys(functions) as FunctionName[]).map((name) => [`\${${functionArnPlaceholder(name)}}`, name]));
  const found: Record<string, FunctionName> = {};
  const walk = (states: States) => {
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        const name = byPlaceholder.get(state.Resource);
        if (!name) {
          throw new Error(
            `Task state "${stateName}" has Resource "${state.Resource}", which names no function of shared/wiring/functions.ts: expected "\${<name>FunctionArn}", one of ${[...byPlaceholder.keys()].join(', ')}`,
          );
        }
        // aws-local-stepfunctions overrides Tasks by state name, across nested state machines too.
        if (found[stateName] && found[stateName] !== name) throw new Error(`Two Task states are named "${stateName}": local overrides need unique names`);
        found[stateName] = name;
      } else if (state.Type === 'Map') {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (processor) walk(processor.States);
      } else if (state.Type === 'Parallel') {
        for (const branch of state.Branches) walk(branch.States);
      }
    }
  };
  walk(definition.States);
  return found;
}

let backup: { machine: StateMachine; handlers: Record<string, (input: Json) => Promise<Json>> } | undefined;

function backupStateMachine() {
  if (!backup) {
    const definition = JSON.parse(readFileSync(backupDefinitionFile, 'utf8')) as StateMachineDefinition;
    const handlers = Object.fromEntries(
      Object.entries(taskFunctions(definition)).map(([stateName, fn]) => [stateName, (input: Json) => invokeLocal(fn, input) as Promise<Json>]),
    );
    // Validation stays on: asl-validator accepts `${...}` Resources as CDK substitutions, and
    // `checkArn: false` would make them match two of its Resource schemas and fail.
    backup = { machine: new StateMachine(definition), handlers };
  }
  return backup;
}

/** Runs the backup workflow to its end, in this process. */
export async function runLocalWorkflow(input: unknown): Promise<WorkflowResult> {
  return startLocalWorkflow(input).result;
}

/** Starts the backup workflow in this process: its result, and a way to stop it (StopExecution). */
function startLocalWorkflow(input: unknown): { result: Promise<WorkflowResult>; abort: () => void } {
  const { machine, handlers } = backupStateMachine();
  const execution = machine.run(input as Json, { overrides: { taskResourceLocalHandlers: handlers } });
  return { result: workflowResult(execution.result), abort: execution.abort };
}

async function workflowResult(result: Promise<unknown>): Promise<WorkflowResult> {
  try {
    return { status: 'SUCCEEDED', output: await result };
  } catch (error) {
    if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran past the state machine’s TimeoutSeconds' };
    if (error instanceof ExecutionAbortedError) return { status: 'ABORTED', error: 'States.Aborted', cause: 'The execution was stopped' };
    if (!(error instanceof ExecutionError)) throw error;
    // The error that ended the run (a Fail state's Error/Cause, or an uncaught task error).
    const cause = error.cause as Error;
    return { status: 'FAILED', error: cause.name, cause: cause.message };
  }
}

export interface LocalStepFunctions {
  /** For AWS_ENDPOINT_URL_SFN. */
  endpoint: string;
  /** For BACKUP_STATE_MACHINE_ARN: the only state machine this server runs. */
  stateMachineArn: string;
  /** Publishes the end (ABORTED) of executions a previous run of the stack left running. */
  recover(): Promise<void>;
  /** Stops accepting requests and waits for running executions to end. */
  stop(): Promise<void>;
}

interface Execution {
  executionArn: string;
  name: string;
  input: string;
  startDate: Date;
  stopDate?: Date;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: string;
  error?: string;
  cause?: string;
}

/** AWS's rule: 1–80 characters, none of them whitespace, brackets, wildcards, control or URL-special characters. */
const validExecutionName = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/** A service error as the AWS JSON protocol carries it; the SDK turns `__type` into the exception class. */
class ServiceError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

/** The detail of Step Functions' "Execution Status Change" event, as AWS sends it to EventBridge. */
export interface ExecutionStatusChange {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: Execution['status'];
  startDate: number;
  stopDate: number | null;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
}

export interface LocalStepFunctionsOptions {
  port?: number;
  /** Executions are kept in `<dataDir>/step-functions-executions.json`, so they outlive a restart. */
  dataDir?: string;
  /** Called when an execution ends, like the events Step Functions sends to EventBridge. */
  onStatusChange?: (detail: ExecutionStatusChange) => Promise<void>;
  log?: (line: string) => void;
}

/**
 * Serves StartExecution, DescribeExecution and StopExecution for the backup state machine, so
 * product code calls it with the real SFNClient and `AWS_ENDPOINT_URL_SFN` pointed here.
 */
export async function startLocalStepFunctions(options: LocalStepFunctionsOptions = {}): Promise<LocalStepFunctions> {
  const port = options.port ?? (await freePort());
  const log = options.log ?? ((line: string) => console.error(line));
  const executionsFile = options.dataDir ? path.join(options.dataDir, 'step-functions-executions.json') : undefined;
  const executions = loadExecutions(executionsFile);
  const aborts = new Map<string, () => void>();
  /** The error and cause StopExecution was given, kept on the execution it ends (as AWS does). */
  const stopReasons = new Map<string, { error?: string; cause?: string }>();
  const running = new Set<Promise<void>>();
  const save = () => executionsFile && saveExecutions(executionsFile, executions);

  async function reportEnd(execution: Execution) {
    if (!options.onStatusChange) return;
    try {
      await options.onStatusChange(statusChange(execution));
    } catch (error) {
      log(`step functions: the status change of ${execution.executionArn} was not published (${(error as Error).message})`);
    }
  }

  // Executions a previous run left running died with it: like a stopped execution, they end
  // ABORTED, and their status change is published once the product can handle it (recover()).
  const interrupted = [...executions.values()].filter((execution) => execution.status === 'RUNNING');
  for (const execution of interrupted) {
    Object.assign(execution, { status: 'ABORTED', stopDate: new Date(), error: 'States.Aborted', cause: 'the service restarted while it ran; request it again' });
  }
  save();

  const operations: Record<string, (request: Record<string, unknown>) => object> = {
    StartExecution(request) {
      if (request.stateMachineArn !== localStateMachineArn) {
        throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(request.stateMachineArn)}'`);
      }
      const name = typeof request.name === 'string' ? request.name : randomUUID();
      if (!validExecutionName.test(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
      const input = typeof request.input === 'string' ? request.input : '{}';
      const executionArn = `${localStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      const existing = executions.get(executionArn);
      // Like AWS: the same name and input while running is the same execution; otherwise the name is taken.
      if (existing) {
        if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: epochSeconds(existing.startDate) };
        throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(input);
      } catch {
        throw new ServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
      }
      const execution: Execution = { executionArn, name, input, startDate: new Date(), status: 'RUNNING' };
      const finish = async (result: WorkflowResult) => {
        if (result.status === 'SUCCEEDED') execution.output = JSON.stringify(result.output);
        else if (result.status === 'ABORTED') ({ error: execution.error, cause: execution.cause } = stopReasons.get(executionArn) ?? {});
        else ({ error: execution.error, cause: execution.cause } = result);
        stopReasons.delete(executionArn);
        execution.status = result.status;
        execution.stopDate = new Date();
        aborts.delete(executionArn);
        save();
        await reportEnd(execution);
      };
      const workflow = startLocalWorkflow(parsed);
      const run: Promise<void> = workflow.result
        .catch((error: Error): WorkflowResult => ({ status: 'FAILED', error: 'States.Runtime', cause: error.message }))
        .then(finish)
        .finally(() => running.delete(run));
      running.add(run);
      aborts.set(executionArn, workflow.abort);
      executions.set(executionArn, execution);
      save();
      return { executionArn, startDate: epochSeconds(execution.startDate) };
    },
    DescribeExecution(request) {
      const execution = executions.get(String(request.executionArn));
      if (!execution) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(request.executionArn)}'`);
      const { executionArn, name, status, input, output, error, cause, startDate, stopDate } = execution;
      return {
        executionArn,
        stateMachineArn: localStateMachineArn,
        name,
        status,
        input,
        output,
        error,
        cause,
        startDate: epochSeconds(startDate),
        stopDate: stopDate && epochSeconds(stopDate),
      };
    },
    StopExecution(request) {
      const execution = executions.get(String(request.executionArn));
      if (!execution) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(request.executionArn)}'`);
      // The run ends ABORTED through its result; stopping an ended execution changes nothing.
      if (aborts.has(execution.executionArn)) {
        const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
        stopReasons.set(execution.executionArn, { error: text(request.error), cause: text(request.cause) });
      }
      aborts.get(execution.executionArn)?.();
      return { stopDate: epochSeconds(execution.stopDate ?? new Date()) };
    },
  };

  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body: object, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers }).end(JSON.stringify(body));
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operationName = target.replace(/^AWSStepFunctions\./, '');
      const operation = target.startsWith('AWSStepFunctions.') && Object.hasOwn(operations, operationName) ? operations[operationName] : undefined;
      if (req.method !== 'POST' || !operation) {
        throw new ServiceError('UnknownOperationException', `This local Step Functions server does not support ${req.method} ${target || '(no X-Amz-Target)'}`);
      }
      let body = '';
      for await (const chunk of req) body += chunk;
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(body || '{}');
      } catch {
        throw new ServiceError('SerializationException', 'The request body is not valid JSON');
      }
      reply(200, operation(request));
    } catch (error) {
      if (!(error instanceof ServiceError)) return reply(500, { __type: 'InternalFailure', message: (error as Error).message });
      reply(400, { __type: error.type, message: error.message }, { 'x-amzn-errortype': error.type });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, 'local Step Functions') : error));
    server.listen(port, '127.0.0.1', resolve);
  });

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stateMachineArn: localStateMachineArn,
    async recover() {
      await Promise.all(interrupted.map(reportEnd));
      interrupted.length = 0;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(running);
    },
  };
}

function statusChange(execution: Execution): ExecutionStatusChange {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: localStateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate.getTime(),
    stopDate: execution.stopDate?.getTime() ?? null,
    input: execution.input,
    output: execution.output ?? null,
    error: execution.error ?? null,
    cause: execution.cause ?? null,
  };
}

function loadExecutions(file: string | undefined): Map<string, Execution> {
  const executions = new Map<string, Execution>();
  if (!file) return executions;
  let saved: Array<Omit<Execution, 'startDate' | 'stopDate'> & { startDate: string; stopDate?: string }>;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return executions; // none yet
  }
  for (const { startDate, stopDate, ...rest } of saved) {
    executions.set(rest.executionArn, { ...rest, startDate: new Date(startDate), stopDate: stopDate ? new Date(stopDate) : undefined });
  }
  return executions;
}

/** Written whole on every change: a few executions, and a kill mid-write must not leave half a file. */
function saveExecutions(file: string, executions: Map<string, Execution>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify([...executions.values()]));
  renameSync(temporary, file);
}

/** The JSON protocol sends timestamps as epoch seconds. */
function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
