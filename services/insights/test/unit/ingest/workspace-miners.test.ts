import { describe, expect, it } from 'vitest';
import { createWorkspaceMiners, createWorkspaceQueue } from '../../../src/ingest/workspace-miners.js';

describe('workspace miners', () => {
  it('hands out a miner only at the version it matches, and keeps at most the bound', () => {
    const miners = createWorkspaceMiners({ maxWorkspaces: 2, miner: {} });
    const built = miners.rebuild('a', { version: 3, nextClusterId: 1, clusters: [] });
    expect(miners.current('a', 3)).toBe(built);
    expect(miners.current('a', 4)).toBeUndefined();
    miners.saved('a', built.miner, 4, new Set());
    expect(miners.current('a', 4)?.miner).toBe(built.miner);
    miners.rebuild('b', { version: 0, nextClusterId: 1, clusters: [] });
    miners.rebuild('c', { version: 0, nextClusterId: 1, clusters: [] });
    expect(miners.size).toBe(2);
    expect(miners.current('a', 4)).toBeUndefined();
    miners.discard('c');
    expect(miners.current('c', 0)).toBeUndefined();
  });

  it('runs one workspace’s work one at a time, other workspaces alongside, and goes on after a failure', async () => {
    const queue = createWorkspaceQueue();
    const order: string[] = [];
    const step = (name: string, ms: number, fail = false) => async () => {
      order.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(`${name}:end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue('w', step('a1', 20, true)), queue('w', step('a2', 1)), queue('v', step('b1', 5))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(order.indexOf('a2:start')).toBeGreaterThan(order.indexOf('a1:end'));
    expect(order.indexOf('b1:start')).toBeLessThan(order.indexOf('a1:end'));
  });
});
