import * as z from 'zod/mini';
import { en } from 'zod/locales';

/**
 * The one zod every runtime module imports: zod/mini (tree-shakable, so a bundle carries only the
 * schema kinds it uses) with English messages. Mini loads no locale by itself, and problem+json
 * bodies carry zod's messages; configuring it here, where every schema gets `z`, means nothing
 * parses before the locale is set.
 */
z.config(en());

export * from 'zod/mini';

/**
 * Classic zod's `.meta(data)`: a copy of `schema` that `data` describes in the global registry, where
 * the OpenAPI document reads ids, descriptions and examples. Not mini's `z.meta()` check, which would
 * count as a refinement (`z.partial` and `z.extend` refuse those), and not `.register()` on the
 * schema itself, which would describe every other use of a shared schema too.
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, data: z.core.GlobalMeta): T {
  const described = schema.clone();
  z.globalRegistry.add(described, data);
  return described;
}
