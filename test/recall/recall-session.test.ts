import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_WEIGHTS, fuse } from '../../src/recall/recall-fusion.js';
import type { CandidateRow } from '../../src/recall/recall-kinds.js';

const at = new Date('2026-05-01T12:00:00Z');
/** A turn that matches the query's words `terms` (IDF 2 each; the query's reference is 4). */
const turn = (id: string, session: string, terms: string[]): CandidateRow => ({
  kind: 'episode',
  id,
  content: terms.join(' '),
  subject: '',
  session,
  user_id: 'u',
  agent_id: '',
  occurred_at: at,
  importance: 5,
  confidence: 1,
  category: 'user',
  tags: [],
  metadata: '{}',
  bm25: 2 * terms.length,
  bm25_ideal: 4,
  cos: null,
  near: null,
  terms,
  terms_idf: terms.map(() => 2),
});

describe('session context', () => {
  it("a session whose turns cover the query's terms between them lifts its turns", () => {
    // Query terms: "puppi" and "name". Both sessions have two turns matching one term each,
    // as strongly: only session A covers both (one turn names the puppy, one the name).
    const rows = [
      turn('1', 'B', ['name']),
      turn('2', 'B', ['name']),
      turn('3', 'A', ['name']),
      turn('4', 'A', ['puppi']),
    ];
    const ranked = fuse(rows, DEFAULT_WEIGHTS, at, { vector: { unrelated: 0.2, related: 0.5 } }).sort(
      (a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id),
    );
    const score = (id: string) => ranked.find((s) => s.row.id === id)!;
    assert.equal(score('3').scores.text, score('1').scores.text, 'the same words, as strongly');
    assert.ok(score('3').scores.session > score('1').scores.session, 'its session covers the query');
    assert.equal(ranked[0].row.id, '3');
    // Without the session signal the two tie (and id order puts B's turn first).
    const flat = fuse(rows, { ...DEFAULT_WEIGHTS, session: 0 }, at, {
      vector: { unrelated: 0.2, related: 0.5 },
    });
    assert.equal(flat.find((s) => s.row.id === '3')!.score, flat.find((s) => s.row.id === '1')!.score);
  });

  it("a session's strength counts words, not a neighbour's echo", () => {
    const rows = [
      { ...turn('1', 'A', []), bm25: 0, near: ['2/1'] },
      turn('2', 'A', ['name']),
      turn('3', 'B', ['name']),
    ];
    const ranked = fuse(rows, DEFAULT_WEIGHTS, at, { vector: { unrelated: 0.2, related: 0.5 } });
    const session = (id: string) => ranked.find((s) => s.row.id === id)!.scores.session;
    assert.ok(ranked.find((s) => s.row.id === '1')!.scores.neighbor > 0);
    assert.equal(
      session('2'),
      session('3'),
      'the neighbour boost of turn 1 does not make session A stronger',
    );
  });
});
