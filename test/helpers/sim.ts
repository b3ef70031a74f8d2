// A sim started inside a test and closed after it, passed or failed: for suites whose tests each need their own.
import { afterEach } from 'vitest';
import { startSim, type RunningSim, type SimOptions } from '../../sim';

/** Call at file or describe level; the function it returns starts a sim that is closed after the current test. */
export function simPerTest(): (opts: SimOptions) => Promise<RunningSim> {
  const open: RunningSim[] = [];
  afterEach(async () => {
    for (const sim of open.splice(0)) await sim.close();
  });
  return async (opts) => {
    const sim = await startSim(opts);
    open.push(sim);
    return sim;
  };
}
