import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../checks/progress';

function fakeStream(isTTY: boolean) {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string };
  const chunks: string[] = [];
  (stream as unknown as PassThrough).on('data', (c: Buffer) => chunks.push(c.toString()));
  Object.assign(stream, { isTTY, columns: 120, text: () => chunks.join('') });
  return stream;
}

const run = (progress: ReturnType<typeof createProgress>) => {
  progress.start(3);
  progress.tick();
  progress.update({ requests: 17, retries: 2 });
  progress.tick(2);
  progress.stop();
};

describe('progress bar', () => {
  it('draws targets done / total, requests and retries on a TTY', async () => {
    const stream = fakeStream(true);
    run(createProgress({ enabled: true, stream }));
    await new Promise((r) => setImmediate(r));
    // The last frame is drawn on stop: all targets done with the latest counts.
    expect(stream.text()).toContain('3/3 | requests 17 | retries 2');
    expect(stream.text()).toContain('targets ');
  });

  it('is silent when the stream is not a TTY (CI logs, pipes)', async () => {
    const stream = fakeStream(false);
    run(createProgress({ enabled: true, stream }));
    await new Promise((r) => setImmediate(r));
    expect(stream.text()).toBe('');
  });

  it('is silent when disabled, even on a TTY', async () => {
    const stream = fakeStream(true);
    run(createProgress({ enabled: false, stream }));
    await new Promise((r) => setImmediate(r));
    expect(stream.text()).toBe('');
  });

  it('ignores ticks before start and after stop, and a second stop', async () => {
    const stream = fakeStream(true);
    const p = createProgress({ enabled: true, stream });
    p.tick();
    p.start(2);
    p.stop();
    const after = stream.text();
    p.tick();
    p.update({ requests: 5 });
    p.stop();
    await new Promise((r) => setImmediate(r));
    expect(stream.text()).toBe(after);
    expect(after).toContain('0/2 | requests 0 | retries 0');
  });
});
