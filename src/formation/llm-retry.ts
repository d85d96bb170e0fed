/**
 * Retry timing for calls to model endpoints: exponential backoff with jitter, and the
 * server's own Retry-After when it sends one.
 */

/**
 * Delay before retry number `retry` (1 = first retry): `base * 2^(retry-1)`, capped,
 * then scaled by a random factor in [0.5, 1) so many clients do not retry in step.
 *
 * @example
 * backoffDelay(3, 500, 30_000) // => between 1000 and 2000
 */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}

/**
 * How long a server asked us to wait, in ms: `retry-after-ms` (OpenAI), else
 * `Retry-After` as seconds or as an HTTP date. Undefined when absent or unreadable.
 *
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' })) // => 2000
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts.
 *
 * @example
 * await sleep(250, controller.signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
