import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { loadLocomo } from '../../src/bench/locomo-bench.js';

const run = promisify(execFile);

/** A conversation in the LoCoMo format, with an annotation a memory system must not read. */
function conversation() {
  return {
    speaker_a: 'Ana',
    speaker_b: 'Ben',
    session_1_date_time: '1:56 pm on 8 May, 2023',
    session_1: [
      { speaker: 'Ana', dia_id: 'D1:1', text: 'I adopted a grey kitten called Pixel yesterday.' },
      { speaker: 'Ben', dia_id: 'D1:2', text: 'Congratulations! How is your marathon training going?' },
      { speaker: 'Ana', dia_id: 'D1:3', text: 'Slowly, my knee hurts after long runs.' },
    ],
    session_2_date_time: '10:04 am on 2 June, 2023',
    session_2: [
      {
        speaker: 'Ben',
        dia_id: 'D2:1',
        text: 'I started learning the cello last week.',
        blip_caption: 'a cello',
      },
      { speaker: 'Ana', dia_id: 'D2:2', text: 'Lovely, my grandmother played the violin.' },
    ],
    session_1_summary: 'Pixel the kitten (annotation: never read)',
    qa: [
      {
        question: 'What is the name of the kitten Ana adopted?',
        answer: 'Pixel',
        evidence: ['D1:1'],
        category: 4,
      },
      {
        question: 'Which instrument did Ben start learning?',
        answer: 'cello',
        evidence: ['D2:1', 'D'],
        category: 4,
      },
      { question: 'What hurts after long runs?', answer: 'knee', evidence: ['D1:3'], category: 1 },
      { question: 'Is there an answer?', adversarial_answer: 'no', evidence: ['D1:2'], category: 5 },
    ],
  };
}

it('loads LoCoMo files: turns with dates and captions, questions 1-4 with evidence that names a turn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-locomo-'));
  try {
    writeFileSync(join(dir, 'c1.json'), JSON.stringify(conversation()));
    const [c] = loadLocomo(dir);
    assert.equal(c.turns.length, 5);
    assert.equal(c.turns[0].content, 'Ana: I adopted a grey kitten called Pixel yesterday.');
    assert.equal(c.turns[0].occurredAt.toISOString(), '2023-05-08T13:56:00.000Z');
    assert.equal(
      c.turns[3].content,
      'Ben: I started learning the cello last week. [shares a picture: a cello]',
    );
    assert.equal(c.questions.length, 3, 'category 5 is left out');
    assert.deepEqual(c.questions[1].evidence, ['D2:1'], 'an evidence id naming no turn is dropped');
    assert.ok(!JSON.stringify(c).includes('annotation'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('mnemo bench locomo runs the protocol through the API and ends with one JSON line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-locomo-'));
  try {
    writeFileSync(join(dir, 'c1.json'), JSON.stringify(conversation()));
    const { stdout } = await run(process.execPath, [
      'bin/mnemo.js',
      'bench',
      'locomo',
      '--data',
      dir,
      '--embedder',
      'none',
      '--json',
    ]);
    const lines = stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]);
    assert.equal(last.questions, 3);
    assert.equal(last.memories, 5);
    for (const k of ['recall@5', 'recall@10', 'recall@20', 'p50_ms', 'p95_ms'])
      assert.equal(typeof last[k], 'number', k);
    // Each question shares a rare word with its evidence: text recall alone finds them all.
    assert.equal(last['recall@5'], 1);
    assert.equal(last.bm25['recall@5'], 1);
    assert.match(stdout, /hybrid +R@5 1\.000/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
