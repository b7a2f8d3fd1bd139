/**
 * `npm run histories:record`: runs representative events through the real stack and saves their
 * histories to test/histories/, where replay.test.ts replays them against the current workflow
 * code. Histories of every workflow version are kept (v1-, v2-, ...): a reset in production
 * replays whatever version an event ran under. Record a new set, under a new prefix, whenever the
 * workflow changes what it records (and guard that change with `patched()`).
 *   v1  the first release
 *   v2  the StripeOutcome search attribute (patch "stripe-outcome-search-attribute")
 *   v2e the same workflow code with payloads encrypted (the payload codec), with the test-only key
 *       in test/histories/payload-keys, which replay.test.ts decrypts them with
 *   v3e the table of kinds: a type routed after the first release (product.created, ignored by
 *       v1-v2e) is handled under patch "routed-later"; first-release types record what v2e did
 *  v4e version 2 by input (ProcessOptions): the handler as a local activity, no patches; and the
 *      fallback to the regular activity (a paused handler, then resumed)
 */
import { createEventStarter } from '../../common/event-starter';
import { fixtureEvent } from '../../dev/fixtures';
import { handlerPauses } from '../../db/schema';
import { prepareRecording } from '../helpers/recorded-histories';
import { startStandaloneStack, waitFor } from '../helpers/stack';
import type { StripeEvent } from '../../common/stripe-event';

const VERSION = 'v4e';

const SAMPLES: Record<string, () => StripeEvent> = {
  'customer-created-applied': () => fixtureEvent('customer.created'),
  'subscription-updated-applied': () => fixtureEvent('customer.subscription.updated'),
  'invoice-payment-failed-applied': () => fixtureEvent('invoice.payment_failed'),
  'product-created-applied': () => fixtureEvent('product.created'),
  'unknown-type-ignored': () => ({ ...fixtureEvent('product.created'), type: 'payout.paid' }),
  'invalid-payload-failed': () => {
    const event = fixtureEvent('customer.updated');
    event.data.object = { id: 'ch_not_a_customer', object: 'charge' };
    return event;
  },
};

async function main(): Promise<void> {
  const recorder = prepareRecording(VERSION);
  const stack = await startStandaloneStack('record-histories');
  try {
    const starter = createEventStarter(stack.temporal.client, {
      taskQueue: stack.temporal.config.taskQueue,
      startTimeoutMs: 10_000,
    });
    const record = (name: string, event: StripeEvent) => recorder.save(stack.address, name, event.id);

    for (const [name, build] of Object.entries(SAMPLES)) {
      const event = build();
      await starter.start(event);
      await stack.result(event.id).catch(() => undefined);
      await record(name, event);
    }
    // The fallback: paused, the local activity gives up at once and the regular activity waits.
    const paused = fixtureEvent('customer.created', { object: { id: 'cus_paused_then_applied' } });
    await stack.database.db
      .insert(handlerPauses)
      .values({ handler: 'applyCustomerEvent', reason: 'recording' });
    await starter.start(paused);
    await waitFor(async () => {
      const pending = (await stack.handle(paused.id).describe()).raw.pendingActivities?.[0];
      return pending?.lastFailure ? pending : undefined;
    }, 'the paused handler as a pending activity');
    await stack.database.db.delete(handlerPauses);
    await stack.result(paused.id);
    await record('paused-then-applied', paused);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
