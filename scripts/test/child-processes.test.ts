import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createChildren } from '../src/child-processes.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

function nodeChild(name: string, script: string) {
  return { name, command: process.execPath, args: ['-e', script], env: {}, cwd: process.cwd() };
}

const waitFor = async (condition: () => boolean): Promise<void> => {
  await expect.poll(condition, { timeout: 5_000 }).toBe(true);
};

describe("the local runner's child processes", () => {
  it("prefixes every line of a child's output with its name", async () => {
    const stdout = capture();
    const stderr = capture();
    const children = createChildren({ stdout: stdout.stream, stderr: stderr.stream, colour: false });
    children.start(nodeChild('auth', "console.log('one\\ntwo'); console.error('oops'); setInterval(() => {}, 1000)"));
    await waitFor(() => stdout.text().includes('two') && stderr.text().includes('oops'));
    expect(stdout.text()).toBe('auth        | one\nauth        | two\n');
    expect(stderr.text()).toBe('auth        | oops\n');
    await children.stopAll(1_000);
  });

  it('reports the first child that exits on its own', async () => {
    const sink = capture();
    const children = createChildren({ stdout: sink.stream, stderr: sink.stream, colour: false });
    children.start(nodeChild('steady', 'setInterval(() => {}, 1000)'));
    children.start(nodeChild('crashy', 'process.exit(3)'));
    expect(await children.firstExit).toEqual({ name: 'crashy', code: 3, signal: null });
    await children.stopAll(1_000);
  });

  it('stops children with SIGTERM, and with SIGKILL those that ignore it past the grace period', async () => {
    const sink = capture();
    const children = createChildren({ stdout: sink.stream, stderr: sink.stream, colour: false });
    children.start(
      nodeChild('polite', "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000)"),
    );
    children.start(nodeChild('stubborn', "process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000)"));
    // Both have their SIGTERM handlers in place once they say so.
    await waitFor(() => sink.text().includes('stubborn    | up') && sink.text().includes('polite      | up'));
    const started = Date.now();
    await children.stopAll(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(sink.text()).toContain('polite      | bye');
    expect(sink.text()).toContain('stubborn    | ignored');
  });
});
