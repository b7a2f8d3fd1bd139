/**
 * Stripe Entitlements: the active entitlement summary of a customer (keyed by the customer) and
 * the features it names. Stripe sends the whole summary on every change, so the customer's active
 * entitlements are replaced whole whenever the summary row is written.
 */
import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { KINDS } from '../../common/kinds';
import type { StripeApi } from '../../common/stripe-api';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import { activeEntitlements, entitlementFeatures, entitlementSummaries } from '../../db/schema';
import { invalidPayload } from '../errors';
import { excludedColumns, sameAccount, upsertIfNewer } from '../guarded-upsert';
import { applyOnce } from '../ledger';
import { listData, maybeBool, requireRef, requireText, str } from '../read';
import type { ListPage, ListParams, MirrorKindOf } from './define';
import { metadataOf, upsertHandler, versionOf } from './simple';
import { apiPage, perCustomerPage, withoutCreated } from './list-page';

const SUMMARY = 'entitlements.active_entitlement_summary';

export interface EntitlementSummaryRows {
  summary: typeof entitlementSummaries.$inferInsert;
  entitlements: (typeof activeEntitlements.$inferInsert)[];
  features: (typeof entitlementFeatures.$inferInsert)[];
}

export function entitlementSummaryRows(event: StripeEvent): EntitlementSummaryRows {
  const object = event.data.object;
  if (object.object !== SUMMARY) {
    throw invalidPayload(`${event.type} event ${event.id} carries a ${object.object}, expected a ${SUMMARY}`);
  }
  const customerId = requireRef(event, object.customer, 'customer');
  const version = versionOf(event, SUMMARY, null);
  const entitlements: EntitlementSummaryRows['entitlements'] = [];
  const features = new Map<string, EntitlementSummaryRows['features'][number]>();
  for (const entitlement of listData(object.entitlements)) {
    const feature = entitlement.feature;
    const featureId = requireRef(event, feature, 'entitlement feature');
    const expanded = typeof feature === 'object' && feature !== null ? (feature as StripeObject) : undefined;
    const lookupKey = requireText(
      event,
      entitlement.lookup_key ?? expanded?.lookup_key,
      'entitlement lookup_key',
    );
    entitlements.push({
      id: requireText(event, entitlement.id, 'entitlement id'),
      account: version.account,
      customerId,
      featureId,
      lookupKey,
      livemode: event.livemode,
    });
    // Name and active only when the feature came expanded: an id alone must not erase them.
    features.set(featureId, {
      id: featureId,
      lookupKey,
      livemode: event.livemode,
      ...(expanded && {
        name: str(expanded.name),
        active: maybeBool(expanded.active),
        metadata: metadataOf(expanded.metadata),
      }),
      ...version,
    });
  }
  return {
    summary: { id: customerId, livemode: event.livemode, ...version },
    entitlements,
    features: [...features.values()],
  };
}

export function featureRow(event: StripeEvent): typeof entitlementFeatures.$inferInsert {
  const feature = event.data.object;
  return {
    id: requireRef(event, feature.id, 'id'),
    lookupKey: requireText(event, feature.lookup_key, 'lookup_key'),
    name: str(feature.name),
    active: maybeBool(feature.active),
    livemode: event.livemode,
    metadata: metadataOf(feature.metadata),
    ...versionOf(event, 'entitlements.feature', null),
  };
}

/** A customer's summary as the API has it now: every page of its active entitlements. */
async function retrieveSummary(stripe: Stripe, customer: string, options: Stripe.RequestOptions) {
  const first = await stripe.entitlements.activeEntitlements.list({ customer, limit: 100 }, options);
  const data = [...first.data];
  for (let page = first; page.has_more;) {
    page = await stripe.entitlements.activeEntitlements.list(
      { customer, limit: 100, starting_after: page.data.at(-1)?.id },
      options,
    );
    data.push(...page.data);
  }
  const summary = { object: SUMMARY, customer, entitlements: { object: 'list', data, has_more: false } };
  // Re-fetch versions the object by the response's Date header, as for a retrieved object.
  return Object.defineProperty(summary, 'lastResponse', { value: first.lastResponse, enumerable: false });
}

function listSummaries(
  api: StripeApi,
  params: ListParams,
  options: Stripe.RequestOptions,
): Promise<ListPage> {
  return perCustomerPage(api, params, options, async (customer) => [
    await api.call('retrieve entitlement summary', (stripe) => retrieveSummary(stripe, customer.id, options)),
  ]);
}

export const entitlementSummaryKind: MirrorKindOf<typeof SUMMARY> = {
  table: entitlementSummaries,
  retrieve: retrieveSummary,
  // A summary listing more entitlements than the payload holds would replace the set with a part.
  partial: (object) => (object.entitlements as { has_more?: unknown } | undefined)?.has_more === true,
  listPage: listSummaries,
  handler:
    ({ db }) =>
    (event, refetched) => {
      const rows = entitlementSummaryRows(event);
      return applyOnce(db, { event, refetched }, KINDS[SUMMARY].handler, async (tx) => {
        if (!(await upsertIfNewer(tx, entitlementSummaries, rows.summary))) return 'stale';
        await tx
          .delete(activeEntitlements)
          .where(
            and(
              eq(activeEntitlements.customerId, rows.summary.id),
              sameAccount(activeEntitlements.account, rows.summary.account),
            ),
          );
        if (rows.entitlements.length > 0) {
          await tx
            .insert(activeEntitlements)
            .values(rows.entitlements)
            .onConflictDoUpdate({
              target: [activeEntitlements.account, activeEntitlements.id],
              set: excludedColumns(activeEntitlements),
            });
        }
        // A feature's lookup key never changes; a stale feature row only means an older name.
        for (const feature of rows.features) await upsertIfNewer(tx, entitlementFeatures, feature);
        return 'applied';
      });
    },
};

/** No event carries a feature; the initial sync lists them, and summaries name them. */
export const featureKind: MirrorKindOf<'entitlements.feature'> = {
  table: entitlementFeatures,
  retrieve: (stripe, id, options) => stripe.entitlements.features.retrieve(id, {}, options),
  listPage: (api, params, options) =>
    apiPage(api, (stripe) => stripe.entitlements.features.list(withoutCreated(params), options)),
  listedHandler: upsertHandler('applyListedFeature', entitlementFeatures, featureRow),
};
