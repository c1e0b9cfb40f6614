import { functions, functionArnPlaceholder, type FunctionName } from '../../shared/wiring/functions';

const placeholderPattern = /\$\{([^}]*)\}/g;

/**
 * The functions an ASL definition calls, found through its `${<name>FunctionArn}` placeholders.
 * Any other placeholder fails synth here rather than reaching Step Functions unsubstituted.
 */
export function aslFunctionNames(asl: string, source = 'the ASL definition'): FunctionName[] {
  try {
    JSON.parse(asl);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const byPlaceholder = new Map(
    (Object.keys(functions) as FunctionName[]).map((name) => [functionArnPlaceholder(name), name]),
  );
  const names = new Set<FunctionName>();
  for (const [, placeholder = ''] of asl.matchAll(placeholderPattern)) {
    const name = byPlaceholder.get(placeholder);
    if (!name) {
      throw new Error(
        `${source}: placeholder \${${placeholder}} names no function in shared/wiring/functions.ts ` +
          `(expected one of ${[...byPlaceholder.keys()].map((p) => `\${${p}}`).join(', ')})`,
      );
    }
    names.add(name);
  }
  return [...names].sort();
}
