import { performance } from 'node:perf_hooks';
import { createSeededLogCorpus, createTemplateMiner, normalizeMessage } from '@causeloop/insights/grouping';
import { report, summarize, type Measurement } from './measure.js';

// The corpus of the grouping-accuracy test: 50 templates × 4,000 messages, same seed.
const seed = 20240607;
const messagesPerTemplate = 4000;
const warmupMessages = 20_000;
/** Issue 18: the miner (normalisation and mining) handles this many messages a second on one core. */
const targetMessagesPerSecond = 20_000;

/** Calls `each` on every message in turn on this thread (one core), timing each call. */
function timeEach(label: string, messages: readonly string[], each: (message: string) => unknown): Measurement {
  const latencies = new Array<number>(messages.length);
  const started = performance.now();
  for (let index = 0; index < messages.length; index++) {
    const begin = performance.now();
    each(messages[index]!);
    latencies[index] = performance.now() - begin;
  }
  return summarize(label, latencies, (performance.now() - started) / 1000);
}

/**
 * Messages per second through the grouping: normalisation alone, and normalisation plus a
 * fresh miner's `add` (one workspace, clusters found as it goes), beside splitting the same
 * messages on whitespace (Drain's tokeniser, no masking). CPU-bound and synchronous. Part
 * of the `insights` section.
 */
export async function benchTemplateMiner(): Promise<void> {
  const { messages } = createSeededLogCorpus({ seed, messagesPerTemplate });
  const warm = createTemplateMiner();
  for (const message of messages.slice(0, warmupMessages)) {
    message.split(/\s+/);
    warm.add(normalizeMessage(message).tokens);
  }

  const baseline = timeEach('split(/\\s+/) of each message', messages, (message) => message.split(/\s+/));
  const normalizer = timeEach('normalizeMessage', messages, (message) => normalizeMessage(message));
  const miner = createTemplateMiner();
  const cpuBefore = process.cpuUsage();
  const minedStarted = performance.now();
  const mined = timeEach('normalizeMessage + miner.add (the miner)', messages, (message) => miner.add(normalizeMessage(message).tokens));
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time over wall time (all of its threads, GC's too): well below 100 %, other work had the core part of the time.
  const coreShare = (cpu.user + cpu.system) / 1000 / (performance.now() - minedStarted);
  report(`Template miner, one core (${messages.length} seeded messages, ${miner.clusterCount} clusters at the end)`, baseline, [normalizer, mined], 'msg/s');
  const verdict = mined.opsPerSecond >= targetMessagesPerSecond ? 'met' : 'NOT met';
  console.log(
    `  target: the miner >= ${targetMessagesPerSecond.toLocaleString('en')} messages/s on one core (Drain, in Python: 6.7-9.9k lines/s): ` +
      `${Math.round(mined.opsPerSecond).toLocaleString('en')}, ${verdict} (CPU ${Math.round(coreShare * 100)} % of wall time)`,
  );
}
