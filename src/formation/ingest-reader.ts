/**
 * Reading a conversation file for `mnemo ingest`, streamed: a JSON array of messages,
 * an object `{ "messages": [...] }`, or JSON Lines (one message per line). The file is
 * never held in memory whole; each message is parsed as its text completes.
 */
import { createReadStream } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { parse } from '../validation.js';
import { type IngestMessage, ingestMessageSchema } from './ingest-schema.js';

/**
 * One message read from a file, with the line it starts on (1-based).
 *
 * @example
 * const m: ReadMessage = { message: { role: 'user', content: 'hi' }, line: 1 };
 */
export interface ReadMessage {
  message: IngestMessage;
  line: number;
}

type Format = 'array' | 'object' | 'lines';

/**
 * Splits JSON text, fed in chunks, into the elements of the messages array: the
 * top-level array, or the array under the top-level key "messages". Tracks strings and
 * escapes so brackets inside content do not count.
 */
class ElementScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  private target = -1; // depth of the elements we emit; -1 until found, -2 once closed
  private capturingKey = false;
  private key = '';
  private lastKey = '';
  private buf = '';
  private start = -1;
  private line = 1;
  private startLine = 1;
  done = false;

  constructor(
    private readonly format: 'array' | 'object',
    private readonly emit: (text: string, line: number) => void,
  ) {}

  push(chunk: string): void {
    const base = this.buf.length;
    this.buf += chunk;
    for (let i = base; i < this.buf.length; i++) {
      const ch = this.buf[i];
      if (ch === '\n') this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (ch === '\\') this.escape = true;
        else if (ch === '"') {
          this.inString = false;
          this.capturingKey = false;
          continue;
        }
        if (this.capturingKey) this.key += ch;
        continue;
      }
      if (ch === '"') {
        if (this.depth === this.target && this.start < 0)
          throw new InvalidInputError(
            `line ${this.line}: each message must be an object { role, content }`,
            'file',
          );
        this.inString = true;
        if (this.format === 'object' && this.depth === 1 && this.target === -1) {
          this.capturingKey = true;
          this.key = '';
        }
      } else if (ch === ':' && this.depth === 1) this.lastKey = this.key;
      else if (ch === '{' || ch === '[') {
        if (this.depth === this.target && this.start < 0) {
          this.start = i;
          this.startLine = this.line;
        }
        this.depth++;
        if (ch === '[' && this.target === -1) {
          if (this.format === 'array' && this.depth === 1) this.target = 1;
          if (this.format === 'object' && this.depth === 2 && this.lastKey === 'messages') this.target = 2;
        }
      } else if (ch === '}' || ch === ']') {
        this.depth--;
        if (this.depth === this.target && this.start >= 0) {
          this.emit(this.buf.slice(this.start, i + 1), this.startLine);
          this.start = -1;
        } else if (this.target >= 0 && this.depth === this.target - 1) {
          this.done = true;
          this.target = -2;
        }
      } else if (this.depth === this.target && this.start < 0 && !/[\s,]/.test(ch)) {
        throw new InvalidInputError(
          `line ${this.line}: each message must be an object { role, content }`,
          'file',
        );
      }
    }
    // Keep only the element in progress to bound memory.
    if (this.start >= 0) {
      this.buf = this.buf.slice(this.start);
      this.start = 0;
    } else this.buf = '';
  }
}

function toMessage(text: string, line: number): ReadMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`line ${line}: not valid JSON (${(e as Error).message})`, 'file');
  }
  try {
    return { message: parse(ingestMessageSchema, raw, 'message'), line };
  } catch (e) {
    throw new InvalidInputError(`line ${line}: ${(e as Error).message}`, 'file');
  }
}

/** Guesses the format from the first non-blank line. */
async function detect(path: string): Promise<Format> {
  let head = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
    head += chunk;
    const trimmed = head.trimStart();
    if (!trimmed) continue;
    if (trimmed[0] === '[') return 'array';
    if (trimmed[0] !== '{')
      throw new InvalidInputError(
        'the file must hold a JSON array of messages, an object { "messages": [...] } or one JSON message per line',
        'file',
      );
    const nl = trimmed.indexOf('\n');
    if (nl < 0 && head.length < 1_000_000) continue;
    const first = nl < 0 ? trimmed : trimmed.slice(0, nl);
    try {
      const v = JSON.parse(first) as Record<string, unknown>;
      return Array.isArray(v.messages) ? 'object' : 'lines';
    } catch {
      return 'object';
    }
  }
  const t = head.trim();
  if (!t) throw new InvalidInputError('the file is empty: give at least one message', 'file');
  return t.startsWith('[') ? 'array' : 'object';
}

/**
 * Streams the messages of a conversation file, each validated (a bad one throws
 * `invalid_input` naming its line).
 *
 * @example
 * for await (const { message, line } of readMessages('chat.jsonl')) console.log(line, message.role);
 */
export async function* readMessages(path: string): AsyncGenerator<ReadMessage> {
  const format = await detect(path);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  if (format === 'lines') {
    let rest = '';
    let line = 0;
    for await (const chunk of stream) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) {
        line++;
        if (p.trim()) yield toMessage(p, line);
      }
    }
    line++;
    if (rest.trim()) yield toMessage(rest, line);
    return;
  }
  const queue: ReadMessage[] = [];
  const scanner = new ElementScanner(format, (text, line) => queue.push(toMessage(text, line)));
  for await (const chunk of stream) {
    scanner.push(chunk as string);
    yield* queue.splice(0);
  }
  if (!scanner.done)
    throw new InvalidInputError(
      format === 'array'
        ? 'the JSON array of messages is not closed: the file is cut short'
        : 'no complete "messages" array found in the file: give { "messages": [ { "role": ..., "content": ... } ] }',
      'file',
    );
}

/**
 * Counts the lines of a file without reading it into memory (for the progress bar).
 *
 * @example
 * await countLines('chat.jsonl') // => 12000
 */
export async function countLines(path: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(path)) {
    const b = chunk as Buffer;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
    if (b.length) last = b[b.length - 1];
  }
  return last === 10 ? n : n + 1;
}
