/**
 * At most `limit` pieces of work at a time per key (a workspace): the rest wait their turn in
 * order, so one workspace analysing a hundred patterns cannot take every provider slot (and
 * every rate-limit token) of a replica. A waiter whose signal aborts leaves the queue.
 */
export interface KeyedSemaphore {
  run<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createKeyedSemaphore(limit: number): KeyedSemaphore {
  const states = new Map<string, { running: number; waiting: (() => void)[] }>();

  const acquire = (key: string, signal: AbortSignal | undefined): Promise<void> => {
    let state = states.get(key);
    if (state === undefined) {
      state = { running: 0, waiting: [] };
      states.set(key, state);
    }
    if (state.running < limit) {
      state.running += 1;
      return Promise.resolve();
    }
    const queue = state.waiting;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        queue.splice(queue.indexOf(granted), 1);
        reject(signal!.reason);
      };
      // The releasing holder hands its slot over: `running` stays as it is.
      const granted = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(granted);
    });
  };

  const release = (key: string): void => {
    const state = states.get(key)!;
    const next = state.waiting.shift();
    if (next !== undefined) return next();
    state.running -= 1;
    if (state.running === 0) states.delete(key);
  };

  return {
    async run(key, work, signal) {
      await acquire(key, signal);
      try {
        return await work();
      } finally {
        release(key);
      }
    },
  };
}
