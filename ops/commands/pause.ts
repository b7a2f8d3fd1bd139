import os from 'node:os';
import { eq } from 'drizzle-orm';
import { handlerPauses } from '../../db/schema';
import type { Database } from '../../db/client';
import { HANDLER_NAMES } from '../../common/routing';
import type { Ops } from '../context';
import { fields, table, UsageError } from '../format';

/**
 * `pause-handler` / `resume-handler`: one row in handler_pauses. Every worker checks it before it
 * runs that handler (activities/pause.ts), so its events wait as retrying activities failing with
 * `HandlerPaused` while every other handler keeps going; deleting the row lets them through within
 * seconds. Nothing is lost and nothing is reordered: a waiting event is applied by the same guarded
 * transaction as ever once it runs.
 */
export { HANDLER_NAMES };

export interface HandlerPause {
  handler: string;
  reason: string;
  pausedBy: string | null;
  pausedAt: Date;
}

function checkHandler(name: string | undefined): string {
  if (!name) throw new UsageError(`name the handler: one of ${HANDLER_NAMES.join(', ')}`);
  if (!(HANDLER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`no handler "${name}": the handlers are ${HANDLER_NAMES.join(', ')}`);
  }
  return name;
}

export async function listPauses(db: Database): Promise<HandlerPause[]> {
  return db.select().from(handlerPauses).orderBy(handlerPauses.handler);
}

export interface PauseResult {
  handler: string;
  paused: boolean;
  /** False when the handler already was in the requested state. */
  changed: boolean;
  pause?: HandlerPause;
  /** Every handler paused now. */
  pausedHandlers: HandlerPause[];
}

export async function pauseHandler(
  ops: Ops,
  name: string | undefined,
  reason?: string,
): Promise<PauseResult> {
  const handler = checkHandler(name);
  const db = await ops.requireDb('pause-handler');
  const pausedBy = process.env.USER ?? os.userInfo().username;
  const [existing] = await db.select().from(handlerPauses).where(eq(handlerPauses.handler, handler));
  const row = { handler, reason: reason?.trim() || 'paused by an operator', pausedBy, pausedAt: new Date() };
  // A second pause updates the reason but keeps when it began.
  const [pause] = await db
    .insert(handlerPauses)
    .values(row)
    .onConflictDoUpdate({ target: handlerPauses.handler, set: { reason: row.reason, pausedBy } })
    .returning();
  return { handler, paused: true, changed: !existing, pause, pausedHandlers: await listPauses(db) };
}

export async function resumeHandler(ops: Ops, name: string | undefined): Promise<PauseResult> {
  const handler = checkHandler(name);
  const db = await ops.requireDb('resume-handler');
  const deleted = await db.delete(handlerPauses).where(eq(handlerPauses.handler, handler)).returning();
  return { handler, paused: false, changed: deleted.length > 0, pausedHandlers: await listPauses(db) };
}

export function renderPauses(pauses: readonly HandlerPause[]): string {
  if (pauses.length === 0) return 'Paused handlers: none';
  return `Paused handlers:\n${table(
    ['HANDLER', 'SINCE', 'BY', 'REASON'],
    pauses.map((pause) => [pause.handler, pause.pausedAt.toISOString(), pause.pausedBy ?? '', pause.reason]),
  )}`;
}

export function renderPauseResult(result: PauseResult): string {
  const verb = result.paused ? 'paused' : 'resumed';
  const head = result.changed
    ? `${result.handler} ${verb}.`
    : `${result.handler} was already ${result.paused ? 'paused (reason updated)' : 'running'}.`;
  const detail = result.paused
    ? fields([
        [
          'effect',
          'its events wait as running workflows (activity failing with HandlerPaused), others go on',
        ],
        ['undo', `resume-handler ${result.handler}`],
      ])
    : fields([['effect', 'waiting events retry within seconds (their next attempt is at most 5 s away)']]);
  return `${head}\n${detail}\n\n${renderPauses(result.pausedHandlers)}`;
}
