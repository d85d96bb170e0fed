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
    const { stdout, stderr } = await run(process.execPath, [
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
    assert.equal(last.mode, 'text-only');
    assert.match(stdout, /^LoCoMo retrieval \(text-only: no embedder\)/);
    assert.match(stdout, /^text-only +R@5 1\.000/m);
    assert.doesNotMatch(stdout, /hybrid/, 'a run without vectors is never called hybrid');
    // Progress goes to stderr (plain lines off a terminal), stdout stays the report.
    assert.match(stderr, /^LoCoMo memories: 5\/5 memories, 0 left/m);
    assert.match(stderr, /^LoCoMo questions: 3\/3 questions, 0 left, [\d.]+ questions\/s, ETA 0s$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('reads the original locomo10.json (an array of { conversation, qa })', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-locomo-'));
  try {
    const { qa, ...c } = conversation();
    writeFileSync(
      join(dir, 'locomo10.json'),
      JSON.stringify([
        { sample_id: 'conv-1', conversation: c, qa },
        { sample_id: 'conv-2', conversation: c, qa },
      ]),
    );
    const got = loadLocomo(dir);
    assert.deepEqual(
      got.map((x) => [x.name, x.turns.length, x.questions.length]),
      [
        ['locomo10-conv-1', 5, 3],
        ['locomo10-conv-2', 5, 3],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('a missing data folder, or one without LoCoMo files, says where the data comes from', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-locomo-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'not locomo' }));
    for (const data of [join(dir, 'missing'), dir]) {
      const r = await run(process.execPath, [
        'bin/mnemo.js',
        'bench',
        'locomo',
        '--data',
        data,
        '--embedder',
        'none',
      ]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(r.code, 2);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0],
        /^error \[invalid_input\]: (cannot read the LoCoMo folder|no LoCoMo conversation files in) "/,
      );
      assert.match(lines[0], /\.\.\/shared\/bench\/locomo beside the repository/);
      assert.match(lines[0], /data\/locomo10\.zip of the snap-research\/locomo repository/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
