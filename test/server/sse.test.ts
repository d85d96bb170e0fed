/** The observation stream (Server-Sent Events) over a real socket, on both backends. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

process.env.MNEMO_EMBEDDER ??= 'none';

interface Frame {
  comment?: string;
  id?: string;
  event?: string;
  data?: string;
}

/** Reads a text/event-stream frame by frame. A read that waits more than 15 s fails (a hang guard). */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const readFrame = async (): Promise<Frame | null> => {
    for (;;) {
      const end = buf.indexOf('\n\n');
      if (end >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const frame: Frame = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else {
            const i = line.indexOf(':');
            const field = line.slice(0, i) as 'id' | 'event' | 'data';
            const value = line.slice(i + 1).replace(/^ /, '');
            frame[field] = field === 'data' && frame.data !== undefined ? `${frame.data}\n${value}` : value;
          }
        }
        return frame;
      }
      if (!reader) return null;
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no frame within 15 s')), 15_000);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) return null;
      buf += decoder.decode(chunk.value, { stream: true });
    }
  };
  return {
    res,
    readFrame,
    /** The next event, skipping comments (connected, heartbeats). */
    async nextEvent(): Promise<Frame & { body: { seq: number; subject: string; tenant: string } }> {
      for (;;) {
        const f = await readFrame();
        if (f === null) throw new Error('the stream ended');
        if (f.event) return { ...f, body: JSON.parse(f.data ?? 'null') };
      }
    },
    close: () => ac.abort(),
  };
}

describeBackends('http observation stream (SSE)', (ctx) => {
  let t: TestServer;
  let key: string;
  let other: string;
  const publish = async (subject: string, as = key) => {
    const r = await t.call('/v1/observations', { key: as, method: 'POST', json: { subject, type: 'step' } });
    assert.equal(r.status, 201, r.text);
    return r.body as { seq: number };
  };
  before(async () => {
    t = await startServer(ctx.db(), { serve: { drainMs: 60_000 } });
    key = await t.key({ scopes: ['read', 'write'] });
    other = (await t.keys.create({ tenant: 'globex' })).key;
  });
  after(() => t.close());

  it('streams live observations of its tenant as events with id = seq, in order', async () => {
    const s = await openStream(`${t.server.url}/v1/observations/stream`, { authorization: `Bearer ${key}` });
    assert.equal(s.res.status, 200);
    assert.match(s.res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.deepEqual(await s.readFrame(), { comment: 'connected' });
    const one = await publish('a');
    await publish('hidden', other);
    const two = await publish('b');
    const e1 = await s.nextEvent();
    const e2 = await s.nextEvent();
    assert.deepEqual(
      [e1.id, e1.event, e1.body.subject, e1.body.tenant],
      [String(one.seq), 'observation', 'a', 'acme'],
    );
    assert.deepEqual([e2.id, e2.body.subject], [String(two.seq), 'b']);
    s.close();
  });

  it('resumes with Last-Event-ID: exactly the missed events, in order, then live ones', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const s = await openStream(`${t.server.url}/v1/observations/stream`, auth);
    await s.readFrame();
    await publish('before-disconnect');
    const last = await s.nextEvent();
    s.close();
    const missed = [await publish('m1'), await publish('m2'), await publish('m3')];
    await publish('other tenant', other);
    const r = await openStream(`${t.server.url}/v1/observations/stream`, {
      ...auth,
      'last-event-id': last.id ?? '',
    });
    await r.readFrame();
    const got = [await r.nextEvent(), await r.nextEvent(), await r.nextEvent()];
    assert.deepEqual(
      got.map((e) => [e.id, e.body.subject]),
      missed.map((m, i) => [String(m.seq), `m${i + 1}`]),
    );
    const live = await publish('live');
    const next = await r.nextEvent();
    assert.deepEqual(
      [next.id, next.body.subject],
      [String(live.seq), 'live'],
      'nothing between the missed and live',
    );
    r.close();

    const byCursor = await openStream(`${t.server.url}/v1/observations/stream?cursor=${missed[1].seq}`, auth);
    await byCursor.readFrame();
    assert.equal((await byCursor.nextEvent()).body.subject, 'm3');
    byCursor.close();
  });

  it('filters by type and subject, and sends heartbeats while idle', async () => {
    const s = await openStream(
      `${t.server.url}/v1/observations/stream?subjects=wanted&subjects=also&heartbeatSeconds=1`,
      { authorization: `Bearer ${key}` },
    );
    await s.readFrame();
    await publish('unwanted');
    const w = await publish('also');
    const e = await s.nextEvent();
    assert.deepEqual([e.id, e.body.subject], [String(w.seq), 'also']);
    let frame = await s.readFrame();
    while (frame?.event) frame = await s.readFrame();
    assert.deepEqual(frame, { comment: 'heartbeat' });
    s.close();
  });

  it('refuses a bad resume point or filter with a JSON 400 naming it', async () => {
    const bad = await t.call('/v1/observations/stream', { key, headers: { 'last-event-id': 'abc' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'last-event-id');
    const cursor = await t.call('/v1/observations/stream?cursor=-1', { key });
    assert.deepEqual([cursor.status, cursor.body.error.field], [400, 'cursor']);
    const hb = await t.call('/v1/observations/stream?heartbeatSeconds=0', { key });
    assert.deepEqual([hb.status, hb.body.error.field], [400, 'heartbeatSeconds']);
    const noKey = await t.call('/v1/observations/stream');
    assert.equal(noKey.status, 401);
  });

  it('closes the subscription when the client disconnects, and ends streams when the server shuts down', async () => {
    const own = await startServer(ctx.db(), { serve: { drainMs: 60_000 } });
    const k = await own.key();
    const observations = own.memory.observations;
    const subscribe = observations.subscribe.bind(observations);
    let open = 0;
    let closed = 0;
    observations.subscribe = async (...args) => {
      const sub = await subscribe(...args);
      open++;
      return {
        cursor: sub.cursor,
        close: async () => {
          closed++;
          await sub.close();
        },
      };
    };
    const url = `${own.server.url}/v1/observations/stream`;
    const gone = await openStream(url, { authorization: `Bearer ${k}` });
    await gone.readFrame();
    gone.close();
    const s = await openStream(url, { authorization: `Bearer ${k}` });
    await s.readFrame();
    for (let i = 0; closed < 1 && i < 500; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([open, closed], [2, 1], 'the disconnected client no longer has a subscription');
    await own.close(); // would wait the whole drain (60 s, past the test timeout) if the stream stayed open
    let frame = await s.readFrame();
    while (frame) frame = await s.readFrame();
    assert.equal(frame, null, 'the stream ended');
    assert.equal(closed, 2, 'its subscription was closed before the store');
    assert.deepEqual(
      own.logged.filter((l) => l.level === 'error'),
      [],
    );
  });
});
