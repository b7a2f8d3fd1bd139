import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { isStripeEvent } from '../../common/stripe-event';
import { fromThinEvent, whyNotAThinEvent } from '../../common/thin-event';
import { thinEvent } from '../../dev/thin-fixtures';
import { verifyStripeEvent, WebhookRejection } from '../../ingress/stripe-webhook';

const SECRET = 'whsec_thin_current';
const NOW = 1_700_000_000;

/** Signed for real with stripe-node's test header helper, as Stripe signs an event destination's delivery. */
function verify(body: object | string, secrets = [SECRET], signWith = SECRET, timestamp = NOW) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: signWith, timestamp });
  return verifyStripeEvent(Buffer.from(payload), header, secrets, 300, NOW);
}

function rejection(fn: () => unknown): WebhookRejection {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookRejection) return err;
    throw err;
  }
  return assert.fail('expected a rejection');
}

describe('thin events at the ingress', () => {
  it('verifies a thin event and makes it the snapshot event it names, type unprefixed, object a stub', () => {
    const body = thinEvent('customer.updated', {
      id: 'evt_thin_1',
      relatedId: 'cus_thin_1',
      snapshotEvent: 'evt_snapshot_1',
      created: NOW - 5,
      context: 'acct_1Connected',
    });
    const event = verify(body);
    assert.ok(isStripeEvent(event));
    assert.deepEqual(
      [event.id, event.type, event.created, event.account, event.data.object],
      [
        'evt_snapshot_1',
        'customer.updated',
        NOW - 5,
        'acct_1Connected',
        { id: 'cus_thin_1', object: 'customer' },
      ],
    );
    assert.deepEqual(event.thin, {
      id: 'evt_thin_1',
      type: 'v1.customer.updated',
      snapshotEvent: 'evt_snapshot_1',
      relatedObject: { id: 'cus_thin_1', type: 'customer', url: '/v1/customers/cus_thin_1' },
    });
  });

  it('keeps the thin event’s own id without a snapshot event, and a v2 type as it is', () => {
    assert.equal(verify(thinEvent('invoice.paid', { id: 'evt_own', snapshotEvent: null })).id, 'evt_own');
    const v2 = verify(thinEvent('v2.core.account.updated', { relatedId: 'acct_1', snapshotEvent: null }));
    assert.equal(v2.type, 'v2.core.account.updated');
  });

  it('stubs an event about no single object with its kind alone', () => {
    const event = verify(thinEvent('customer.discount.created', { relatedId: null }));
    assert.deepEqual(event.data.object, { object: 'discount' });
    assert.equal(event.thin?.relatedObject, null);
  });

  it('tries every secret and refuses a foreign one, a stale timestamp or a malformed body', () => {
    const body = thinEvent('product.updated');
    assert.equal(verify(body, ['whsec_other', SECRET]).type, 'product.updated');
    assert.equal(rejection(() => verify(body, [SECRET], 'whsec_foreign')).reason, 'signature_mismatch');
    assert.equal(
      rejection(() => verify(body, [SECRET], SECRET, NOW - 301)).reason,
      'timestamp_outside_tolerance',
    );
    const undated = { ...body, created: 'yesterday' };
    const refused = rejection(() => verify(undated));
    assert.equal(refused.reason, 'not_a_stripe_event');
    assert.match(refused.message, /not a thin event: field "created"/);
    assert.match(rejection(() => verify({ ...body, snapshot_event: 'cus_1' })).message, /snapshot_event/);
  });

  it('normalizes only well-formed bodies', () => {
    assert.equal(whyNotAThinEvent(thinEvent('review.opened')), undefined);
    assert.match(
      whyNotAThinEvent({ ...thinEvent('review.opened'), related_object: { id: 'x' } }) ?? '',
      /url/,
    );
    const event = fromThinEvent(thinEvent('radar.early_fraud_warning.created', { relatedId: 'issfr_1' }));
    assert.deepEqual(event.data.object, { id: 'issfr_1', object: 'radar.early_fraud_warning' });
  });
});
