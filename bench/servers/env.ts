/** The few settings the alternative designs' processes take, from the environment the bench sets. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the benchmark sets it)`);
  return value;
}

/** BullMQ's connection options for REDIS_URL (redis://host:port). */
export function redisConnection(): { host: string; port: number } {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** Stops on SIGTERM/SIGINT by running `close`, then exits. */
export function closeOnSignal(close: () => Promise<void>): void {
  const stop = () => {
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
