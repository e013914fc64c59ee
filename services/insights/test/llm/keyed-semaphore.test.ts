import { describe, expect, it } from 'vitest';
import { createKeyedSemaphore } from '../../src/llm/keyed-semaphore.js';

/** A promise and its resolver, to hold work open until the test lets it finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('the per-workspace concurrency cap', () => {
  it('runs at most `limit` pieces of work per key, in order, and other keys meanwhile', async () => {
    const semaphore = createKeyedSemaphore(2);
    const gates = [gate(), gate(), gate()];
    const started: string[] = [];
    const work = (name: string, held: Promise<void>) => () => {
      started.push(name);
      return held;
    };
    const running = [
      semaphore.run('a', work('a1', gates[0]!.opened)),
      semaphore.run('a', work('a2', gates[1]!.opened)),
      semaphore.run('a', work('a3', gates[2]!.opened)),
      semaphore.run('b', work('b1', Promise.resolve())),
    ];
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual(['a1', 'a2', 'b1']);
    gates[1]!.open();
    await running[1];
    await Promise.resolve();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    gates[0]!.open();
    gates[2]!.open();
    await Promise.all(running);
  });

  it('lets a waiter whose signal aborts leave the queue', async () => {
    const semaphore = createKeyedSemaphore(1);
    const held = gate();
    const first = semaphore.run('a', () => held.opened);
    const controller = new AbortController();
    const waiting = semaphore.run('a', async () => 'ran', controller.signal);
    controller.abort(new Error('caller went away'));
    await expect(waiting).rejects.toThrow('caller went away');
    held.open();
    await first;
    expect(await semaphore.run('a', async () => 'next')).toBe('next');
  });
});
