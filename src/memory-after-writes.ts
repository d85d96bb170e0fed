/**
 * @internal Calls `after` once each named write method of an area has resolved (the
 * background indexer is told there is something new to embed). The area object is left
 * as is.
 *
 * @example
 * const episodes = afterWrites(createEpisodes(deps), ['append', 'appendMany'], (n) => indexer.notify(n));
 */
export function afterWrites<T extends object>(
  area: T,
  methods: readonly (keyof T)[],
  after: (written: number) => void,
): T {
  const out = Object.create(area) as T;
  for (const m of methods) {
    const fn = area[m];
    if (typeof fn !== 'function') continue;
    (out as Record<keyof T, unknown>)[m] = async (...args: unknown[]) => {
      const r = await (fn as (...a: unknown[]) => Promise<unknown>).apply(area, args);
      after(Array.isArray(r) ? r.length : 1);
      return r;
    };
  }
  return out;
}
