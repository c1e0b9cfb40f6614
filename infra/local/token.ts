import { parseArgs } from 'node:util';
import { localUserId, openLocalIdp } from './auth';
import { defaultDataDir } from './runtime';
import { demoUsers } from './seed';

/**
 * `npm run token -- <email> [--name "Full Name"] [--ttl 12h]`: prints a bearer token for that
 * user, signed with the local key on disk. The server need not run; `sub` is the seed's user id.
 */
const usage = 'Usage: npm run token -- <email> [--name "Full Name"] [--ttl 12h]';

const args = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { name: { type: 'string' }, ttl: { type: 'string', default: '12h' } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`);
  }
})();
const [email, ...extra] = args.positionals;
if (!email || extra.length > 0 || !/^[^@\s]+@[^@\s]+$/.test(email)) fail(usage);

const name = args.values.name ?? demoUsers.find((user) => user.email === email.toLowerCase())?.name ?? email.split('@')[0]!;
const idp = await openLocalIdp(defaultDataDir);
try {
  console.log(await idp.signToken({ sub: localUserId(email), email, name }, args.values.ttl));
} catch {
  fail(`--ttl "${args.values.ttl}" is not a duration such as 30m, 12h or 7d.`);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
