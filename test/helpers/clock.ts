// A clock that never waits: each sleep is recorded and moves time forward at once. Shared by the GitLab client
// (retry and rate-limit waits) and the simulator (its throttle window), so a test sees the waits GitLab asked for
// without spending them.
export interface FakeClock {
  /** Every wait requested, in ms, in order. */
  sleeps: number[];
  now: () => number;
  /** The same time as a Date, for the simulator's `now` option. */
  date: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export function fakeClock(start = Date.now()): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    date: () => new Date(t),
    sleep: async (ms) => {
      sleeps.push(ms);
      t += Math.max(0, ms);
    },
  };
}
