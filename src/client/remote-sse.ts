import { z } from 'zod';
import {
  type Observation,
  observationSchema,
  type SubscribeInput,
  type Subscription,
  subscribeSchema,
} from '../coordination/observations-schema.js';
import { UnavailableError } from '../errors.js';
import { parse } from '../validation.js';
import { errorFromBody, type RemoteHttp, scopeParams } from './remote-http.js';

/** One Server-Sent Event. */
interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Splits a Server-Sent Events body into events. A block of comment lines only
 * (`: connected`, `: heartbeat`) comes out as event `:` with the comment as data.
 *
 * @example
 * for await (const e of readSse(res.body!)) console.log(e.event, e.data);
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const e: SseEvent = { event: 'message', data: '' };
        const data: string[] = [];
        const comments: string[] = [];
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          if (line === '' || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const v = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') data.push(v);
          else if (field === 'event') e.event = v;
          else if (field === 'id') e.id = v;
        }
        if (data.length === 0) {
          if (comments.length) yield { event: ':', data: comments.join('\n') };
          continue;
        }
        e.data = data.join('\n');
        yield e;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

const defaultOnError = (e: unknown) =>
  process.stderr.write(`mnemo subscription: ${(e as Error)?.message ?? String(e)}\n`);

/**
 * `observations.subscribe` over `GET /v1/observations/stream`: delivers each matching
 * observation once, in seq order, awaiting the callback; reconnects after a dropped
 * connection (backoff up to 5 s) resuming after the last seq delivered. Resolves once
 * the server says the subscription is live (its `: connected` line), so an observation
 * made after that is delivered. Bad input and a refused first connection reject; later
 * failures go to `onError`.
 *
 * @example
 * const sub = await remoteSubscribe(http, { cursor: 0 }, (o) => console.log(o.seq, o.content));
 * await sub.close();
 */
export async function remoteSubscribe(
  http: RemoteHttp,
  input: SubscribeInput,
  callback: (o: Observation) => void | Promise<void>,
  onError: (e: unknown) => void = defaultOnError,
): Promise<Subscription> {
  parse(subscribeSchema, input ?? {}, 'subscription');
  const i = (input ?? {}) as SubscribeInput;
  let cursor: number | undefined = i.cursor;
  let closed = false;
  let abort = new AbortController();
  const query = () => ({ ...scopeParams(i.scope), types: i.types, subjects: i.subjects, cursor });
  const connect = () => {
    abort = new AbortController();
    return http.stream('/v1/observations/stream', query(), {}, abort.signal);
  };

  // The server writes its first line (`: connected`) once the subscription is live.
  let markLive: (live: boolean) => void = () => {};
  const live = new Promise<boolean>((r) => {
    markLive = r;
  });

  async function consume(res: Response): Promise<void> {
    if (!res.body) return;
    for await (const e of readSse(res.body)) {
      markLive(true);
      if (closed) return;
      if (e.event === ':') continue;
      if (e.event === 'error') {
        let body: unknown;
        try {
          body = JSON.parse(e.data);
        } catch {
          body = undefined;
        }
        onError(errorFromBody(body, 500));
        continue;
      }
      if (e.event !== 'observation') continue;
      const o: Observation = z.decode(observationSchema, JSON.parse(e.data));
      if (cursor !== undefined && o.seq <= cursor) continue;
      try {
        await callback(o);
      } catch (err) {
        onError(err);
      }
      cursor = o.seq;
    }
  }

  let res = await connect();
  let firstError: unknown;
  const running = (async () => {
    let backoff = 250;
    while (!closed) {
      try {
        await consume(res);
        backoff = 250;
      } catch (e) {
        if (closed) return;
        firstError ??= e;
        onError(e);
      }
      markLive(false);
      if (closed) return;
      for (;;) {
        await new Promise((r) => setTimeout(r, backoff));
        if (closed) return;
        try {
          res = await connect();
          break;
        } catch (e) {
          onError(e);
          backoff = Math.min(backoff * 2, 5000);
        }
      }
    }
  })();

  if (!(await live)) {
    closed = true;
    abort.abort();
    await running;
    throw firstError ?? new UnavailableError('the observation stream closed before it was live: try again');
  }

  return {
    cursor: () => cursor ?? 0,
    async close() {
      if (closed) return;
      closed = true;
      abort.abort();
      await running;
    },
  };
}
