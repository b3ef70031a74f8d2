// Calendar arithmetic for rules that judge age (inactive projects, stale administrators). The clock is the
// snapshot's (EvalContext.now), so evaluation stays pure.

/** The instant `months` calendar months before `now` (UTC; the 31st falls back to the month's last day). */
export function monthsBefore(now: string, months: number): Date {
  const d = new Date(now);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
