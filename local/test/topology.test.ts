import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventRouting, functions, httpRoutes, queueNames, queues } from '@basis/shared';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the topology module', () => {
  it('routes every handled event type to a queue that exists and has a consumer', () => {
    for (const queue of Object.values(eventRouting)) {
      expect(queueNames).toContain(queue);
      expect(functions[queues[queue].consumer]).toBeDefined();
    }
  });

  it('points every route at a function, and every function at a handler file that exists', () => {
    for (const route of httpRoutes) expect(functions[route.function]).toBeDefined();
    for (const definition of Object.values(functions))
      expect(existsSync(join(root, definition.entry))).toBe(true);
  });

  it('gives every queue a visibility timeout of at least six times its consumer’s timeout', () => {
    for (const name of queueNames) {
      const queue = queues[name];
      expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
        6 * functions[queue.consumer].timeoutSeconds,
      );
    }
  });

  it('lets the ingest function send to every queue an event can be routed to', () => {
    const targets = new Set(Object.values(eventRouting));
    expect(new Set(functions.webhookIngest.access.sendsTo)).toEqual(targets);
  });
});
