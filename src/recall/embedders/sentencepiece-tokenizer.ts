/**
 * The SentencePiece (unigram) tokenizer of the Universal Sentence Encoder lite model.
 *
 * A port of the tokenizer in TensorFlow.js models' `universal-sentence-encoder`
 * (Copyright 2019 Google LLC, Apache-2.0): the best segmentation by summed piece
 * scores (Viterbi over a prefix trie of the vocabulary), unknown symbols mapped to
 * id 0 and consecutive unknowns merged. It must stay token-for-token identical to
 * the original or the model's vectors drift (one deliberate difference: piece
 * lengths are counted in code points everywhere, where the original mixed code
 * points and UTF-16 units for pieces outside the Basic Multilingual Plane).
 */

/** One vocabulary entry as shipped in `vocab.json`: the piece and its log-probability. */
export type VocabEntry = [piece: string, score: number];

/** The word-boundary symbol SentencePiece puts in front of every word. */
const SEPARATOR = '\u2581';
/** Ids 0..5 are `<unk>`, `<s>`, `</s>` and three extra tokens, never matched in text. */
const RESERVED = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary id when a piece ends here, else -1. */
  id: number;
  score: number;
}

const newNode = (): TrieNode => ({ children: new Map(), id: -1, score: 0 });

/**
 * Tokenizes text into vocabulary ids.
 *
 * @example
 * const tok = new SentencePieceTokenizer(vocab);
 * tok.encode('hello world'); // => [ids...]
 */
export class SentencePieceTokenizer {
  private readonly root = newNode();
  /** Length of each piece in code points (by id), to walk back the best path. */
  private readonly lengths: number[];

  constructor(vocabulary: VocabEntry[]) {
    this.lengths = vocabulary.map(([piece]) => [...piece].length);
    for (let i = RESERVED; i < vocabulary.length; i++) {
      let node = this.root;
      for (const ch of vocabulary[i][0]) {
        let next = node.children.get(ch);
        if (!next) {
          next = newNode();
          node.children.set(ch, next);
        }
        node = next;
      }
      node.id = i;
      node.score = vocabulary[i][1];
    }
  }

  /** Vocabulary ids of `text` (NFKC-normalised, spaces turned into the word separator). */
  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const symbols = [...(SEPARATOR + normalized.replace(/ /g, SEPARATOR))];
    const n = symbols.length;
    // candidates[end] lists [start, id, score] of every piece ending at `end`.
    const candidates: Array<Array<[number, number, number]>> = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.root.children.get(symbols[i]);
      let matched = false;
      for (let j = i; j < n && node; j++) {
        if (node.id >= 0) {
          candidates[j + 1].push([i, node.id, node.score]);
          matched = true;
        }
        node = j + 1 < n ? node.children.get(symbols[j + 1]) : undefined;
      }
      // An unknown symbol: a one-symbol piece with id 0 and score 0.
      if (!matched) candidates[i + 1].push([i, 0, 0]);
    }
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    for (let end = 0; end <= n; end++) {
      // Candidates were pushed by ascending start, the order the original visits
      // them in; ties go to the later one, as there.
      for (const [start, id, score] of candidates[end]) {
        const total = score + best[start];
        if (best[end] === 0 || total >= best[end]) {
          best[end] = total;
          words[end] = id;
        }
      }
    }
    const ids: number[] = [];
    let at = n;
    while (at > 0) {
      const id = words[at];
      ids.push(id);
      at -= id === 0 ? 1 : this.lengths[id];
    }
    ids.reverse();
    const merged: number[] = [];
    for (let i = 0; i < ids.length; i++)
      if (!(ids[i] === 0 && i > 0 && ids[i - 1] === 0)) merged.push(ids[i]);
    return merged;
  }
}
