/**
 * HTTP/1.1 requests written byte by byte on a socket of their own, for what Node's and axios' clients refuse to
 * send (header lines without a colon, control characters, duplicate Content-Length, non-ASCII bytes in a header).
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

function parse(raw: Buffer): RawResponse {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  let body = end < 0 ? Buffer.alloc(0) : raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: body.toString('utf8') };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = lineEnd < 0 ? 0 : parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Sends `head` (request line and header lines, without the blank line) and `body` to 127.0.0.1:`port` with
 * `Connection: close`, and reads the answer until the server closes. Status 0: closed (or silent for 10 s)
 * without an answer.
 */
export function rawRequest(port: number, head: string[], body: Buffer = Buffer.alloc(0)): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => {
      socket.destroy();
      resolve({ status: 0, headers: {}, body: '(no answer within 10 s)' });
    });
    socket.on('connect', () => {
      socket.write(Buffer.concat([Buffer.from([...head, 'connection: close', '', ''].join('\r\n'), 'latin1'), body]));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server that refuses a request may reset the connection while we still write: what it answered counts.
    socket.on('error', (error) => (chunks.length ? undefined : (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(parse(Buffer.alloc(0))) : reject(error)));
    socket.on('close', () => resolve(parse(Buffer.concat(chunks))));
  });
}
