import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { InvalidInputError } from '../errors.js';

/**
 * Writes export lines to a file (through FILE.partial, renamed when the last line is
 * written, so an interrupted export never leaves a FILE that looks complete) or to
 * stdout (`-`), waiting whenever the stream is full. Returns the line count and the
 * end line's row counts.
 *
 * @example
 * await writeLines(exportStore(db), 'store.ndjson') // => { lines: 1204, rows: { episodes: 1000, ... } }
 */
export async function writeLines(
  lines: AsyncIterable<string>,
  out: string,
): Promise<{ lines: number; rows: Record<string, number> }> {
  const toStdout = out === '-';
  const partial = `${out}.partial`;
  const stream = toStdout ? process.stdout : createWriteStream(partial);
  let n = 0;
  let last = '';
  try {
    for await (const line of lines) {
      n++;
      last = line;
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    }
    if (!toStdout) {
      await new Promise<void>((resolve, reject) =>
        stream.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
      renameSync(partial, out);
    }
  } catch (e) {
    if (!toStdout) {
      stream.destroy();
      rmSync(partial, { force: true });
    }
    throw e;
  }
  const end = JSON.parse(last) as { end?: { rows?: Record<string, number> } };
  return { lines: n, rows: end.end?.rows ?? {} };
}

/**
 * The lines of an export file (`-`: stdin), read as a stream. A missing file is
 * `invalid_input` naming the argument.
 *
 * @example
 * await importStore(mem, openInput('acme.ndjson'));
 */
export function openInput(file: string): Readable {
  if (file === '-') return process.stdin;
  if (!existsSync(file) || !statSync(file).isFile())
    throw new InvalidInputError(
      `<file>: no file "${file}" (give the path of a file written by mnemo export, or -)`,
      'file',
    );
  return createReadStream(file);
}
