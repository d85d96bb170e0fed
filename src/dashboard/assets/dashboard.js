// mnemo dashboard: the one script. Follows the live observations (Server-Sent Events)
// on the coordination page; every other page works without it.
(() => {
  const list = document.getElementById('observations');
  const state = document.getElementById('live-state');
  if (!list || !window.EventSource) return;
  const source = new EventSource(list.dataset.stream);
  source.addEventListener('open', () => {
    if (state) state.textContent = 'live';
  });
  source.addEventListener('error', () => {
    if (state) state.textContent = 'reconnecting…';
  });
  source.addEventListener('observation', (e) => {
    const o = JSON.parse(e.data);
    if (list.querySelector(`[data-seq="${o.seq}"]`)) return;
    const li = document.createElement('li');
    li.dataset.seq = String(o.seq);
    li.className = 'new';
    const b = document.createElement('b');
    b.textContent = o.subject;
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = o.type;
    const small = document.createElement('small');
    small.textContent = `${o.occurredAt.slice(0, 16).replace('T', ' ')} · ${o.agent || '—'}`;
    li.append(b, ' ', kind, ` ${o.content} `, small);
    list.prepend(li);
  });
})();
