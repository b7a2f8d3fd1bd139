import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KIND_OF_EVENT_TYPE, kindSpec } from '../../common/kinds';
import { isStripeEvent, refId } from '../../common/stripe-event';
import {
  CURRENT_API_VERSION,
  HANDLED_TYPES,
  currentApiEvent,
  fixtureEvent,
  fixtureEventTypes,
} from '../../dev/fixtures';

describe('dev/fixtures', () => {
  it('builds a well-formed event of the asked type, carrying its kind, for every routed type', () => {
    for (const type of HANDLED_TYPES) {
      const event = fixtureEvent(type);
      assert.ok(isStripeEvent(event), `${type}: not a Stripe event`);
      assert.equal(event.type, type);
      assert.match(event.id, /^evt_[A-Za-z0-9_]+$/);
      const kind = KIND_OF_EVENT_TYPE.get(type);
      assert.ok(kind, `${type}: no kind in common/kinds`);
      assert.equal(event.data.object.object, kind, `${type}: carries a ${event.data.object.object}`);
      const key = kindSpec(kind)?.key ?? 'id';
      assert.ok(refId(event.data.object[key]), `${type}: object has no ${key}`);
    }
  });

  it('lists every handled type among the buildable ones', () => {
    const buildable = new Set(fixtureEventTypes());
    for (const type of HANDLED_TYPES) assert.ok(buildable.has(type), type);
  });

  it('gives every event a fresh id, even from the same file', () => {
    const ids = new Set<string>();
    const builds = [...HANDLED_TYPES, ...HANDLED_TYPES].map((type) => fixtureEvent(type));
    for (const event of builds) ids.add(event.id);
    assert.equal(ids.size, builds.length);
  });

  it('honours id, created and object overrides', () => {
    const event = fixtureEvent('customer.subscription.updated', {
      id: 'evt_fixed',
      created: 1_700_000_000,
      object: { status: 'canceled' },
    });
    assert.equal(event.id, 'evt_fixed');
    assert.equal(event.created, 1_700_000_000);
    assert.equal(event.data.object.status, 'canceled');
    assert.equal(event.data.object.id, 'sub_JLEPMp81LApOJl');
  });

  it('loads by file name, with or without .json', () => {
    assert.equal(fixtureEvent('charge_dispute_created.json').type, 'charge.dispute.created');
    assert.equal(fixtureEvent('subscription_updated').type, 'customer.subscription.updated');
  });

  it('derives the types that have no vendored file', () => {
    const paused = fixtureEvent('customer.subscription.paused');
    assert.equal(paused.data.object.status, 'paused');
    const resumed = fixtureEvent('customer.subscription.resumed');
    assert.equal(resumed.data.object.status, 'active');
    const trial = fixtureEvent('customer.subscription.trial_will_end');
    assert.equal(trial.data.object.status, 'trialing');
    assert.ok(typeof trial.data.object.trial_end === 'number' && trial.data.object.trial_end > trial.created);
    assert.equal(fixtureEvent('invoice.payment_succeeded').data.object.status, 'paid');
    assert.equal(fixtureEvent('invoice.payment_failed').data.object.status, 'open');
    assert.equal(fixtureEvent('invoice.payment_action_required').data.object.status, 'open');
    assert.equal(fixtureEvent('checkout.session.async_payment_succeeded').data.object.payment_status, 'paid');
    assert.equal(fixtureEvent('checkout.session.async_payment_failed').data.object.payment_status, 'unpaid');
    assert.equal(fixtureEvent('customer.created').data.previous_attributes, undefined);
  });

  it('gives an object the status its event type implies', () => {
    assert.equal(fixtureEvent('payment_intent.succeeded').data.object.status, 'succeeded');
    assert.equal(fixtureEvent('payment_intent.payment_failed').data.object.status, 'requires_payment_method');
    assert.equal(fixtureEvent('charge.succeeded').data.object.status, 'succeeded');
  });

  it('returns independent copies', () => {
    const first = fixtureEvent('invoice.paid');
    first.data.object.status = 'void';
    assert.equal(fixtureEvent('invoice.paid').data.object.status, 'paid');
  });

  it('rejects an unknown type with the list of known ones', () => {
    assert.throws(() => fixtureEvent('no.such.type'), /Known types: .*customer\.subscription\.updated/);
    assert.throws(() => fixtureEvent('no_such_file.json'), /no fixture file/);
  });

  it('wraps a current-API resource as an event', () => {
    const event = currentApiEvent('subscription', 'customer.subscription.updated');
    assert.ok(isStripeEvent(event));
    assert.equal(event.api_version, CURRENT_API_VERSION);
    assert.equal(event.type, 'customer.subscription.updated');
    assert.equal(event.data.object.object, 'subscription');
    assert.notEqual(event.id, currentApiEvent('subscription', 'customer.subscription.updated').id);
    assert.throws(() => currentApiEvent('no_such_resource', 'x.y'), /no resource/);
  });
});
