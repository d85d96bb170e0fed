/** A strict RFC 4180 reader for the tests: quoted fields, doubled quotes, LF or CRLF rows. */

/**
 * Parses CSV text into rows of fields; throws on a stray quote.
 *
 * @example
 * parseCsv('a,"b ""c"""\n') // => [['a', 'b "c"']]
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let v = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i++];
      }
    } else {
      while (i < text.length && !',\r\n'.includes(text[i] as string)) {
        if (text[i] === '"') throw new Error(`stray quote at ${i}`);
        v += text[i++];
      }
    }
    row.push(v);
    if (text[i] === ',') i++;
    else {
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}
