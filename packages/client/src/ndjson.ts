/** Streaming decoders for watch (newline-delimited JSON) and log (text) response bodies. */

/** Yields the text of a byte stream as it arrives, decoding UTF-8 across chunk boundaries. */
export async function* textChunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const dec = new TextDecoder();
  for await (const chunk of body) {
    const s = dec.decode(chunk, { stream: true });
    if (s) yield s;
  }
  const rest = dec.decode();
  if (rest) yield rest;
}

/** Yields complete lines (without "\n") of a text stream; a last unterminated line is yielded at the end. */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let buf = '';
  for await (const chunk of chunks) {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
    }
  }
  if (buf) yield buf;
}

/** Yields one parsed JSON value per non-blank line of an NDJSON byte stream. */
export async function* ndjson<T>(body: AsyncIterable<Uint8Array>): AsyncGenerator<T> {
  for await (const line of lines(textChunks(body))) {
    if (line.trim()) yield JSON.parse(line) as T;
  }
}
