/**
 * A TCP proxy the fault tests control, on node:net (no dependency does "cut every connection for
 * N seconds, then accept again" in a few lines). Point a client at `127.0.0.1:<port>` and it
 * reaches the target until the test says otherwise:
 *
 * - `cut()`: every open connection is reset, and new ones are reset on accept, like a database
 *   that went away; `restore()` lets connections through again.
 * - `stall()`: open connections stop carrying bytes in both directions (a hung network: queries
 *   sent are never answered) until `resume()`; nothing is lost, the bytes wait in the kernel.
 */
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted and forwarded since the start (refused ones excluded). */
  readonly forwarded: number;
  /** Connections reset because of cut(), open ones and refused new ones. */
  readonly reset: number;
  cut(): void;
  restore(): void;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

function connectPipes({ client, upstream }: Pair): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let state: 'open' | 'cut' | 'stalled' = 'open';
  let forwarded = 0;
  let reset = 0;

  function drop(pair: Pair): void {
    pairs.delete(pair);
    for (const socket of [pair.client, pair.upstream]) if (!socket.destroyed) socket.resetAndDestroy();
  }

  const server: Server = createServer((client) => {
    if (state === 'cut') {
      reset += 1;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    forwarded += 1;
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    // Either side failing or closing ends both: the client sees what it would see from the target.
    for (const socket of [client, upstream]) {
      socket.on('error', () => drop(pair));
      socket.on('close', () => drop(pair));
    }
    if (state === 'open') connectPipes(pair);
    else client.pause();
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('tcp proxy: no port');

  // unpipe, not pause() alone: pipe() resumes a paused source on the destination's next 'drain'.
  function setPaused(paused: boolean): void {
    for (const pair of pairs) {
      if (!paused) {
        connectPipes(pair);
        continue;
      }
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
    }
  }

  return {
    port: address.port,
    get forwarded() {
      return forwarded;
    },
    get reset() {
      return reset;
    },
    cut() {
      state = 'cut';
      for (const pair of [...pairs]) {
        reset += 1;
        drop(pair);
      }
    },
    restore() {
      state = 'open';
    },
    stall() {
      state = 'stalled';
      setPaused(true);
    },
    resume() {
      state = 'open';
      setPaused(false);
    },
    async close() {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
