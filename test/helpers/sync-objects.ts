/**
 * An existing Stripe account's objects for the initial sync's tests and benchmark, built from the
 * vendored fixtures' shapes with synthetic ids and no personal data of the fixtures.
 */
import { fixtureEvent } from '../../dev/fixtures';
import type { FakeObject } from './fake-stripe';

const YEAR_AGO = Math.floor(Date.now() / 1000) - 365 * 86400;

function objectOf(type: string, fields: Record<string, unknown>): FakeObject {
  return { ...fixtureEvent(type).data.object, ...fields } as FakeObject;
}

export function customerObject(id: string, version = 0): FakeObject {
  return objectOf('customer.updated', {
    id,
    email: `${id}.v${version}@example.test`,
    name: `Customer ${id} v${version}`,
    created: YEAR_AGO,
    deleted: undefined,
  });
}

export function subscriptionObject(id: string, customer: string, status: string): FakeObject {
  const subscription = objectOf('customer.subscription.updated', { id, customer, status, created: YEAR_AGO });
  const items = subscription.items as { data: Record<string, unknown>[] };
  // Item ids of their own: the fixture's would be shared by every subscription.
  subscription.items = {
    ...items,
    data: items.data.map((item, n) => ({ ...item, id: `si_${id}_${n}`, subscription: id })),
  };
  return subscription;
}

export function invoiceObject(id: string, customer: string, status: string): FakeObject {
  return objectOf('invoice.updated', {
    id,
    customer,
    status,
    subscription: null,
    created: YEAR_AGO,
    customer_email: null,
    customer_name: null,
    customer_address: null,
    customer_phone: null,
    customer_shipping: null,
  });
}

/** `n` customers, each with one subscription and two invoices (one paid, one open), stored in `fake`. */
export function seedAccount(
  fake: { setObject(object: FakeObject, options?: { account?: string }): void },
  prefix: string,
  n: { customers: number; subscriptions: number; invoices: number },
  account?: string,
): void {
  const options = account ? { account } : {};
  for (let i = 0; i < n.customers; i++) fake.setObject(customerObject(`cus_${prefix}${i}`), options);
  for (let i = 0; i < n.subscriptions; i++) {
    const status = i % 10 === 0 ? 'canceled' : 'active';
    fake.setObject(
      subscriptionObject(`sub_${prefix}${i}`, `cus_${prefix}${i % n.customers}`, status),
      options,
    );
  }
  for (let i = 0; i < n.invoices; i++) {
    const status = i % 2 === 0 ? 'paid' : 'open';
    fake.setObject(invoiceObject(`in_${prefix}${i}`, `cus_${prefix}${i % n.customers}`, status), options);
  }
}
