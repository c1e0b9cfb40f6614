import { functions, type FunctionName } from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';

/**
 * How every Lambda function is bundled, declared once: CDK (stateless-stack.ts) bundles with
 * these options, and the budget test (test/unit/bundle-budgets.test.ts) builds the same way.
 *
 * The AWS SDK is not bundled: Lambda's Node.js 22 runtime provides SDK v3, and bundling it cost
 * 530–820 KB per function. The trade-off is written down in docs/bundles.md.
 */
export const externalModules = ['@aws-sdk/*'];

/** Some CommonJS dependencies call require() for Node built-ins; ESM has none of its own. */
export const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The minified code size (index.mjs, source map aside) each function may reach, in KB (1,024 bytes). */
export const bundleBudgetKb = { http: 300, other: 500 } as const;

const httpFunctions: ReadonlySet<FunctionName> = new Set(routes.map((route) => route.function));

export const isHttpFunction = (name: FunctionName): boolean => httpFunctions.has(name);

export const budgetKbOf = (name: FunctionName): number => (isHttpFunction(name) ? bundleBudgetKb.http : bundleBudgetKb.other);

/**
 * Functions over budget today, each with the size it may not grow past and why it is over:
 * the budget test holds them to that ceiling, and fails once one fits its budget (so the entry
 * is removed and the budget itself applies).
 */
export const overBudget: Partial<Record<FunctionName, { ceilingKb: number; why: string }>> = {};

export const functionNames = Object.keys(functions) as FunctionName[];
