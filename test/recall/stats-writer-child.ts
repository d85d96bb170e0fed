// Child process for the recall-statistics concurrency test: one writer among several,
// all started at the same instant against one PostgreSQL database.
//   argv: url, writer number, start instant (ms), mode ('write' | 'hold')
// 'write' runs a mix of writes through the public API and exits; 'hold' opens a
// transaction that inserts episodes, prints "holding" and waits to be killed.
import pg from 'pg';
import { createMemory } from '../../src/memory.js';

const [url, nth, at, mode] = process.argv.slice(2);
if (mode === 'hold') {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('begin');
  await c.query(
    `insert into episodes (tenant_id, user_id, role, content)
     select 'stats', 'shared', 'user', 'uncommitted zebra ' || g from generate_series(1, 50) g`,
  );
  process.stdout.write('holding\n');
  await new Promise(() => {});
}
const mem = await createMemory({ databaseUrl: url, embedder: null, indexer: false });
await new Promise((r) => setTimeout(r, Math.max(0, Number(at) - Date.now())));
const me = { tenant: 'stats', user: `writer${nth}` };
const shared = { tenant: 'stats', user: 'shared' };
for (let i = 0; i < 20; i++) {
  await mem.episodes.append({
    scope: shared,
    role: 'user',
    content: `writer ${nth} says hello ${i} about lisbon`,
  });
  await mem.episodes.append({ scope: me, role: 'assistant', content: `private note ${i} of ${nth}` });
  await mem.brain.set({ scope: shared, key: `topic.k${i % 3}`, value: `value ${i} from ${nth}` });
}
await mem.episodes.appendMany({
  scope: shared,
  episodes: Array.from({ length: 40 }, (_, i) => ({
    role: 'user' as const,
    content: `batch ${nth}/${i} flight`,
  })),
});
const f = await mem.facts.assert({ scope: shared, content: `fact of writer ${nth}` });
await mem.facts.supersede({ scope: shared, id: f.id, fact: { content: `newer fact of writer ${nth}` } });
await mem.close();
process.stdout.write('done\n');
