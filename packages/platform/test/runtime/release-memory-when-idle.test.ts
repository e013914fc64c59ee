import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createIdleMemoryPolicy } from '@causeloop/platform/runtime';

const MB = 1024 * 1024;
const fixture = path.resolve(import.meta.dirname, '../fixtures/idle-memory-release.ts');
const startUpFixture = path.resolve(import.meta.dirname, '../fixtures/start-up-memory-release.ts');

describe('idle memory release: the decision', () => {
  const policy = () => createIdleMemoryPolicy({ idleForMs: 60_000, idleCpuShare: 0.01, minGrowthBytes: 32 * MB, startAtMs: 0, startHeapBytes: 40 * MB });

  it('waits until the process has been idle for the whole period', () => {
    const decide = policy();
    expect(decide.shouldRelease({ atMs: 15_000, cpuShare: 0.001, heapBytes: 120 * MB })).toBe(false);
    expect(decide.shouldRelease({ atMs: 45_000, cpuShare: 0.001, heapBytes: 120 * MB })).toBe(false);
    expect(decide.shouldRelease({ atMs: 60_000, cpuShare: 0.001, heapBytes: 120 * MB })).toBe(true);
  });

  it('starts counting again after any busy interval', () => {
    const decide = policy();
    expect(decide.shouldRelease({ atMs: 45_000, cpuShare: 0.001, heapBytes: 120 * MB })).toBe(false);
    expect(decide.shouldRelease({ atMs: 60_000, cpuShare: 0.2, heapBytes: 120 * MB })).toBe(false);
    expect(decide.shouldRelease({ atMs: 105_000, cpuShare: 0.001, heapBytes: 120 * MB })).toBe(false);
    expect(decide.shouldRelease({ atMs: 120_000, cpuShare: 0.001, heapBytes: 120 * MB })).toBe(true);
  });

  it('does not collect again until the heap has grown again', () => {
    const decide = policy();
    expect(decide.shouldRelease({ atMs: 60_000, cpuShare: 0, heapBytes: 60 * MB })).toBe(false);
    expect(decide.shouldRelease({ atMs: 75_000, cpuShare: 0, heapBytes: 120 * MB })).toBe(true);
    decide.released(25 * MB);
    expect(decide.shouldRelease({ atMs: 90_000, cpuShare: 0, heapBytes: 30 * MB })).toBe(false);
    expect(decide.shouldRelease({ atMs: 105_000, cpuShare: 0, heapBytes: 25 * MB + 32 * MB })).toBe(true);
  });
});

describe('idle memory release: a process', () => {
  async function run(env: Record<string, string>, forMs: number, main = fixture): Promise<Record<string, unknown>[]> {
    const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, forMs));
    child.kill();
    await exited;
    return lines;
  }

  it('gives back what a burst grew, once, after it has been idle', async () => {
    const lines = await run({}, 4_000);
    const releases = lines.filter((line) => line['message'] === 'idle: released memory grown under load');
    expect(releases).toHaveLength(1);
    const [release] = releases as [Record<string, number>];
    expect(release['heap_before_bytes']).toBeGreaterThan(100 * MB);
    expect(release['heap_after_bytes']).toBeLessThan(release['heap_before_bytes']! / 3);
    expect(release['rss_after_bytes']).toBeLessThan(release['rss_before_bytes']! - 50 * MB);
  });

  it('gives back what start-up used as the service says it has started', async () => {
    const lines = await run({}, 2_500, startUpFixture);
    const releases = lines.filter((line) => line['message'] === 'start-up over: released the memory start-up used');
    expect(releases).toHaveLength(1);
    const [release] = releases as [Record<string, number>];
    expect(release['heap_after_bytes']).toBeLessThan(release['heap_before_bytes']! / 3);
    expect(release['rss_after_bytes']).toBeLessThan(release['rss_before_bytes']! - 50 * MB);
  });

  it('leaves a busy process alone', async () => {
    const lines = await run({ KEEP_BUSY: 'true' }, 3_000);
    expect(lines.some((line) => line['message'] === 'load over')).toBe(true);
    expect(lines.filter((line) => line['message'] === 'idle: released memory grown under load')).toEqual([]);
  });
});
