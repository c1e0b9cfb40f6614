import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functions } from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';
import { eventRules } from '../../shared/wiring/event-rules';
import { schedules, toSchedulerExpression } from '../../shared/wiring/schedules';
import { detailSchemas } from '../../events/contracts';
import { Service } from 'electrodb';
import { entities, tableDefinition } from '../../shared/db/table';

const root = path.resolve(import.meta.dirname, '../..');

describe('declarations', () => {
  it('every function entry exists and exports a handler', async () => {
    for (const [name, fn] of Object.entries(functions)) {
      expect(fs.existsSync(path.join(root, fn.entry)), `${name}: ${fn.entry}`).toBe(true);
    }
  });

  it('each HTTP function module serves exactly the routes the table maps to it', async () => {
    const httpFunctions = new Set(routes.map((r) => r.function));
    for (const name of httpFunctions) {
      const module = await import(path.join(root, functions[name].entry));
      const mapped = routes.filter((r) => r.function === name).map((r) => r.operationId).sort();
      // A router (httpRouter) lists its operations; a single-route module (httpHandler) serves one.
      if (module.handler.operations) expect([...module.handler.operations].sort(), name).toEqual(mapped);
      else expect(mapped, name).toHaveLength(1);
      // POSTs create or send: their modules must honour Idempotency-Key.
      if (routes.some((r) => r.function === name && r.method === 'POST')) expect(module.handler.idempotent, name).toBe(true);
    }
  });

  it('routes are unique by method and path, and by operationId', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every event rule listens to a detail-type that has a contract', () => {
    for (const rule of eventRules) expect(Object.keys(detailSchemas)).toContain(rule.detailType);
  });

  it('every sample event matches its contract', () => {
    const dir = path.join(root, 'events/samples');
    const samples = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(samples.length).toBeGreaterThan(0);
    for (const file of samples) {
      const event = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const schema = detailSchemas[event['detail-type'] as keyof typeof detailSchemas];
      expect(schema, file).toBeDefined();
      expect(schema.safeParse(event.detail).success, file).toBe(true);
    }
  });

  it('turns five-field cron into EventBridge Scheduler expressions', () => {
    expect(toSchedulerExpression('*/15 * * * *')).toBe('cron(*/15 * * * ? *)');
    expect(toSchedulerExpression('0 9 * * MON-FRI')).toBe('cron(0 9 ? * MON-FRI *)');
    expect(toSchedulerExpression('30 2 1 * *')).toBe('cron(30 2 1 * ? *)');
    expect(() => toSchedulerExpression('0 9 * * 1')).toThrow(/day names/);
    expect(() => toSchedulerExpression('0 9 * *')).toThrow(/five fields/);
    for (const schedule of schedules) expect(() => toSchedulerExpression(schedule.cron)).not.toThrow();
  });
});

describe('table definition from the ElectroDB entities', () => {
  it('has the primary key, the GSIs the entities use, and the TTL attribute', () => {
    expect(tableDefinition()).toEqual({
      partitionKey: 'pk',
      sortKey: 'sk',
      globalIndexes: [
        { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
        { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      ],
      ttlAttribute: 'expiration',
    });
  });

  it("are consistent with each other as ElectroDB's Service checks (functions bind them one by one without it)", () => {
    expect(() => new Service(entities, { table: 'consistency-check' })).not.toThrow();
  });
});
