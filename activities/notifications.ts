import { notifications } from '../db/schema';
import type { Tx } from './tx';

export type NotificationKind = (typeof notifications.$inferInsert)['kind'];

/**
 * Queues a message in the outbox. The (event, kind) unique key makes this safe to call again for
 * the same event; the ledger already prevents that, this is the second lock on the door.
 */
export async function enqueueNotification(
  tx: Tx,
  notification: { eventId: string; kind: NotificationKind; customerId: string; objectId: string },
): Promise<void> {
  await tx.insert(notifications).values(notification).onConflictDoNothing();
}
