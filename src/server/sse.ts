import type { Server } from 'node:http';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { InvalidInputError } from '../errors.js';
import type { AppEnv, ServerLogger } from './server-types.js';

/**
 * Seconds between heartbeats (comment lines) on an idle stream, unless the client asks
 * for another interval.
 *
 * @example
 * openSse(c, { heartbeatMs: DEFAULT_HEARTBEAT_SECONDS * 1000, logger, open });
 */
export const DEFAULT_HEARTBEAT_SECONDS = 15;

/** How often a stream checks whether its server is shutting down, in ms. */
const SHUTDOWN_CHECK_MS = 250;

/**
 * One Server-Sent Event: `id` is what a client sends back as `Last-Event-ID` to resume.
 *
 * @example
 * await send({ id: String(o.seq), event: 'observation', data: JSON.stringify(o) });
 */
export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

/**
 * Options of {@link openSse}.
 *
 * @example
 * openSse(c, { heartbeatMs: 15_000, logger, open: async (send) => { const sub = await subscribe(send); return () => sub.close(); } });
 */
export interface SseOptions {
  /** Interval of the heartbeat comment lines, in ms. */
  heartbeatMs: number;
  /** Where a failure of the source is reported (never to the client). */
  logger: ServerLogger;
  /**
   * Starts the source of events. `send` writes one event and resolves once the client
   * took it (a slow client slows the source down instead of filling memory). Returns
   * the function that stops the source; it runs when the stream ends.
   */
  open(send: (event: SseEvent) => Promise<void>): Promise<() => Promise<void>>;
}

/**
 * The resume point of a stream: the `Last-Event-ID` header (what browsers send when they
 * reconnect), else the `cursor` query value; undefined when neither is given. A
 * malformed header is `invalid_input` (field `last-event-id`).
 *
 * @example
 * const cursor = resumeCursor(c, c.req.valid('query').cursor);
 */
export function resumeCursor(c: Context<AppEnv>, cursor: number | undefined): number | undefined {
  const header = c.req.header('last-event-id');
  if (header === undefined || header.trim() === '') return cursor;
  const n = Number(header.trim());
  if (!/^\d+$/.test(header.trim()) || !Number.isSafeInteger(n))
    throw new InvalidInputError(
      '"last-event-id": must be the id of an event of this stream (a whole number 0 or more)',
      'last-event-id',
      { in: 'header' },
    );
  return n;
}

/** True once the node server this request came through stopped listening (shutdown began). */
function serverClosing(c: Context<AppEnv>): boolean {
  const env = c.env as { incoming?: { socket?: { server?: Server } } } | undefined;
  const server = env?.incoming?.socket?.server;
  return server !== undefined && server.listening === false;
}

/**
 * Answers with a `text/event-stream`: opens the source, writes its events, a comment
 * line every `heartbeatMs` while idle, and ends cleanly (the source stopped first) when
 * the client disconnects or the server shuts down.
 *
 * @example
 * app.get('/v1/things/stream', (c) => openSse(c, { heartbeatMs: 15_000, logger, open: async (send) => {
 *   const timer = setInterval(() => void send({ id: '1', event: 'tick', data: '{}' }), 1000);
 *   return async () => clearInterval(timer);
 * } }));
 */
export async function openSse(c: Context<AppEnv>, opts: SseOptions): Promise<Response> {
  // `: connected` goes out once the source is live; events wait for it, so it comes first.
  let markConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    markConnected = resolve;
  });
  let live: SSEStreamingApi | undefined;
  let lastWrite = Date.now();
  // Opened before the response starts: a source that cannot start is a plain JSON error.
  const stop = await opts.open(async (e) => {
    await connected;
    if (!live || live.aborted || live.closed) return;
    lastWrite = Date.now();
    await live.writeSSE(e);
  });
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    live = stream;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    stream.onAbort(() => finish());
    c.req.raw.signal?.addEventListener('abort', () => finish());
    const write = async (text: string) => {
      if (stream.aborted || stream.closed) return;
      lastWrite = Date.now();
      await stream.write(text);
    };
    const timer = setInterval(
      () => {
        if (serverClosing(c)) finish();
        else if (Date.now() - lastWrite >= opts.heartbeatMs) void write(': heartbeat\n\n');
      },
      Math.min(SHUTDOWN_CHECK_MS, opts.heartbeatMs),
    );
    try {
      await write(': connected\n\n');
      markConnected();
      await finished;
    } catch (e) {
      opts.logger.error(`${c.req.method} ${c.req.path}: event stream failed`, e);
    } finally {
      clearInterval(timer);
      markConnected();
      await stop();
    }
  });
}
