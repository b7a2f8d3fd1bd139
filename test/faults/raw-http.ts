/**
 * HTTP/1.1 over a bare socket, for hostile requests no HTTP client would send: wrong
 * Content-Length, invalid header bytes, garbage request lines, bodies trickled byte by byte.
 */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  headers: [string, string | Buffer][];
  body?: Buffer;
  /** Send the body this many bytes at a time, with `trickleDelayMs` between pieces. */
  trickleBytes?: number;
  trickleDelayMs?: number;
  /** Bytes sent as they are instead of a request built from the fields above. */
  raw?: Buffer;
}

export interface RawResponse {
  /** undefined when the server closed the connection without an answer. */
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  elapsedMs: number;
}

export function encodeRequest(request: RawRequest): Buffer {
  if (request.raw) return request.raw;
  const head: Buffer[] = [Buffer.from(`${request.method} ${request.path} HTTP/1.1\r\n`, 'latin1')];
  for (const [name, value] of request.headers) {
    head.push(Buffer.from(`${name}: `, 'latin1'), Buffer.from(value), Buffer.from('\r\n'));
  }
  head.push(Buffer.from('\r\n'));
  return Buffer.concat([...head, request.body ?? Buffer.alloc(0)]);
}

function parseResponse(bytes: Buffer, elapsedMs: number): RawResponse {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!match || end < 0) return { status: undefined, headers: {}, body: text, elapsedMs };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = bytes.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8');
  return { status: Number(match[1]), headers, body, elapsedMs };
}

/** A whole answer arrived: its headers, and as many body bytes as Content-Length says. */
function isComplete(bytes: Buffer, method: string): boolean {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return false;
  if (method === 'HEAD') return true;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(bytes.subarray(0, end).toString('latin1'))?.[1];
  return length !== undefined && bytes.length - (end + 4) >= Number(length);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one request on a fresh connection and reads until the server closes it or `timeoutMs`. */
export function exchange(port: number, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks), Date.now() - started));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks), request.method)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      void (async () => {
        const bytes = encodeRequest(request);
        if (!request.trickleBytes) {
          socket.write(bytes);
          return;
        }
        const bodyStart = bytes.length - (request.body?.length ?? 0);
        socket.write(bytes.subarray(0, bodyStart));
        for (let at = bodyStart; at < bytes.length && !done; at += request.trickleBytes) {
          await sleep(request.trickleDelayMs ?? 100);
          if (!done && socket.writable) socket.write(bytes.subarray(at, at + request.trickleBytes));
        }
      })();
    });
  });
}
