import { localUserId } from './auth';
import { JavaMissingError } from './aws-services';
import { PortInUseError } from './ports';
import { defaultDataDir, startLocalRuntime, type LocalRuntime } from './runtime';
import { cycleProject, demoProject, demoUsers } from './seed';

/**
 * `npm start`: the whole product locally, data in `.local/`, on PORT (default 3000).
 * Ctrl-C or SIGTERM stops every server it started, DynamoDB Local's JVM included.
 */
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number (1–65535), not "${process.env.PORT}".`);
  process.exit(1);
}

const startedAt = performance.now();
const starting = startLocalRuntime({ port, dataDir: defaultDataDir, log: (line) => console.log(line) });

let stopping = false;
async function shutdown(exitCode: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  // A signal during start-up waits for it, so that nothing it started is left behind.
  const runtime = await starting.catch(() => undefined);
  await runtime?.stop();
  process.exit(exitCode);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
// Crashing outright would leave DynamoDB Local's JVM running: stop everything first.
const fatal = (error: unknown) => {
  console.error(error);
  void shutdown(1);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

let runtime: LocalRuntime;
try {
  runtime = await starting;
} catch (error) {
  if (!(error instanceof PortInUseError || error instanceof JavaMissingError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// A signal during start-up is already stopping everything: no banner then.
if (!stopping) await printBanner(runtime, (performance.now() - startedAt) / 1000);

async function printBanner(runtime: LocalRuntime, seconds: number) {
  const tokens = await Promise.all(
    demoUsers.map(async (user) => ({ user, token: await runtime.idp.signToken({ sub: localUserId(user.email), email: user.email, name: user.name }) })),
  );
  console.log(
    [
      '',
      `Progress claims is running (ready in ${seconds.toFixed(1)} s). Ctrl-C stops it.`,
      `  API      ${runtime.apiUrl}`,
      `  Docs     ${runtime.docsUrl}`,
      `  OpenAPI  ${runtime.openApiUrl}`,
      `  Mailbox  ${runtime.mailboxUrl}   (every email sent)`,
      '',
      'Projects:',
      `  ${demoProject.name} (${demoProject.number})         ${demoProject.projectId}   an open period: invites, a submitted and an approved invoice`,
      `  ${cycleProject.name} (${cycleProject.number})  ${cycleProject.projectId}   its monthly period is due: \`npm run invoke -- billing-cycle\` opens it`,
      '',
      'Demo users on project Harbour Tower, each with a token valid for 12 hours (`npm run token -- <email>` makes more):',
      ...tokens.flatMap(({ user, token }) => [`  ${user.name} <${user.email}>: ${user.role}`, `    ${token}`]),
      '',
      'Try:',
      `  curl -H "Authorization: Bearer ${tokens[0]!.token}" ${runtime.apiUrl}/v1/me`,
      '',
    ].join('\n'),
  );
}
