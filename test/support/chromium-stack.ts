import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../../infra/local/ports';
import { localUserId } from '../../infra/local/auth';
import type { LocalRuntime } from '../../infra/local/runtime';

/** Debian's chromium, headless; CHROMIUM_PATH for another. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The demo data's administrator, as `npm start` seeds her. */
export const priya = { sub: localUserId('priya@northbeam.example'), email: 'priya@northbeam.example', name: 'Priya Patel' };

export interface DemoStackInChromium {
  /** The stack's data directory, also where a test keeps its screenshots and downloads. */
  dataDir: string;
  runtime: LocalRuntime;
  browser: Browser;
  /** Priya's bearer token. */
  token: string;
}

/**
 * The local stack as `npm start` runs it (demo data, no schedules) and a headless chromium, started
 * before the file's tests and stopped after them: the fields are filled in by the time tests run.
 */
export function demoStackInChromium(name: string): DemoStackInChromium {
  const stack = {} as DemoStackInChromium;
  beforeAll(async () => {
    stack.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    vi.resetModules();
    const { startLocalRuntime } = await import('../../infra/local/runtime');
    stack.runtime = await startLocalRuntime({ port: await freePort(), dataDir: stack.dataDir, seed: true, schedules: false, log: () => {} });
    stack.token = await stack.runtime.idp.signToken(priya);
    stack.browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await stack.browser?.close();
    await stack.runtime?.stop();
    if (stack.dataDir) fs.rmSync(stack.dataDir, { recursive: true, force: true });
  });
  return stack;
}
