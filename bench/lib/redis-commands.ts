/**
 * The queue design's broker work per event, beside Temporal's Actions: Redis commands, from
 * `INFO commandstats` before and after its fixed phase. The calls include the commands BullMQ's Lua
 * scripts run inside Redis (an EVALSHA counts once, and each command it calls counts too): the work
 * Redis does. The local Redis is shared with other jobs, so the figure is a ceiling.
 */
import { execFileSync } from 'node:child_process';
import { round } from './stats';

export interface RedisCommands {
  /** Command calls Redis executed, scripts' inner calls included (commandstats), per event. */
  executedPerEvent: number;
  /** The most frequent commands, calls per event. */
  topPerEvent: Record<string, number>;
}

interface RedisSnapshot {
  calls: Record<string, number>;
}

/** redis-cli, as the queue design already needs a local Redis: one INFO call, not a client library's handshake. */
function redisInfo(section: string): string {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  return execFileSync('redis-cli', ['-u', url, 'info', section], { encoding: 'utf8' });
}

export function snapshotRedis(): RedisSnapshot {
  const calls: Record<string, number> = {};
  for (const match of redisInfo('commandstats').matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls[match[1]!] = Number(match[2]);
  return { calls };
}

export function redisCommandsPerEvent(
  before: RedisSnapshot,
  after: RedisSnapshot,
  events: number,
): RedisCommands {
  const delta = Object.entries(after.calls)
    .map(([command, calls]) => [command, calls - (before.calls[command] ?? 0)] as const)
    // The snapshots' own INFO calls are not the design's.
    .filter(([command, calls]) => calls > 0 && command !== 'info')
    .sort((a, b) => b[1] - a[1]);
  const executed = delta.reduce((sum, [, calls]) => sum + calls, 0);
  return {
    executedPerEvent: round(executed / events, 2),
    topPerEvent: Object.fromEntries(
      delta.slice(0, 6).map(([command, calls]) => [command, round(calls / events, 2)]),
    ),
  };
}
