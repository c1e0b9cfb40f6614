import { describe, expect, it } from 'vitest';
import * as z from '../../shared/zod';

describe('shared/zod.ts', () => {
  // This file imports nothing else, so no classic zod is loaded to set a locale for it: the messages are shared/zod.ts's doing.
  it('gives zod/mini the English messages problem+json bodies carry', () => {
    const issues = z.object({ name: z.string().check(z.minLength(2)), count: z.number().check(z.int()) }).safeParse({ name: 'a', count: 'x' }).error?.issues;
    expect(issues?.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: ['name'], message: 'Too small: expected string to have >=2 characters' },
      { path: ['count'], message: 'Invalid input: expected number, received string' },
    ]);
  });

  it('withMeta describes a copy, as classic .meta() does: the shared schema keeps its own description, and stays free of refinements', () => {
    const shared = z.withMeta(z.object({ a: z.string() }), { id: 'ZodTestShared', description: 'shared' });
    const described = z.withMeta(shared, { description: 'in one place' });
    expect(z.globalRegistry.get(shared)).toEqual({ id: 'ZodTestShared', description: 'shared' });
    expect(z.globalRegistry.get(described)).toEqual({ description: 'in one place' });
    expect(z.partial(described).parse({})).toEqual({});
  });
});
