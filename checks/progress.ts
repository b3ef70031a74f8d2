// Progress on stderr while a check runs: targets done / total, requests, retries. Only on a TTY: in CI
// logs and pipes a redrawn bar is noise, and stdout carries the report, so nothing is ever written there.
import { SingleBar } from 'cli-progress';

export interface Progress {
  start(total: number): void;
  tick(n?: number): void;
  update(counts: { requests?: number; retries?: number }): void;
  stop(): void;
}

const SILENT: Progress = { start() {}, tick() {}, update() {}, stop() {} };

export function createProgress(opts: { enabled: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = opts.stream ?? process.stderr;
  if (!opts.enabled || stream.isTTY !== true) return SILENT;
  const bar = new SingleBar({
    stream,
    format: 'targets {bar} {value}/{total} | requests {requests} | retries {retries}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    // Redraw on a timer only: a tick per target of a 10,000-project run must not write 10,000 lines.
    fps: 10,
  });
  let started = false;
  let stopped = false;
  const counts = { requests: 0, retries: 0 };
  return {
    start(total) {
      if (started || stopped) return;
      started = true;
      bar.start(total, 0, { ...counts });
    },
    tick(n = 1) {
      if (started && !stopped) bar.increment(n, { ...counts });
    },
    update(next) {
      if (next.requests !== undefined) counts.requests = next.requests;
      if (next.retries !== undefined) counts.retries = next.retries;
      if (started && !stopped) bar.update({ ...counts });
    },
    stop() {
      if (!started || stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
