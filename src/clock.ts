/**
 * Time source, injected so tests can move time (TTL expiry, leases) without sleeping.
 *
 * @example
 * const clock = fixedClock(new Date('2026-01-01T00:00:00Z')); clock.advance(60_000);
 */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to (tests). */
export function fixedClock(
  start: Date = new Date(),
): Clock & { advance(ms: number): void; set(d: Date): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
    set: (d: Date) => {
      t = d.getTime();
    },
  };
}
