/**
 * Thin events (event destinations) for `npm run send -- <type> --thin` and the tests: the body Stripe
 * sends for a snapshot type, with a related object and the snapshot event it corresponds to.
 */
import { KIND_OF_EVENT_TYPE } from '../common/kinds';
import type { ThinEventBody } from '../common/thin-event';
import { newEventId } from './fixtures';

export interface ThinEventOptions {
  /** The thin event's own id. Default: fresh. */
  id?: string;
  /** The related object's id; null for an event about no single object (a customer's discount). */
  relatedId?: string | null;
  /** The snapshot event it corresponds to; null for none. Default: a fresh id. */
  snapshotEvent?: string | null;
  /** Unix seconds. Default: now. */
  created?: number;
  livemode?: boolean;
  /** The Connect account, as Stripe-Context. */
  context?: string;
}

/** A thin event for `type`: `customer.updated` becomes `v1.customer.updated`; `v2.*` types stay. */
export function thinEvent(type: string, options: ThinEventOptions = {}): ThinEventBody {
  const kind = KIND_OF_EVENT_TYPE.get(type) ?? type.split('.').slice(0, -1).join('.');
  const relatedId = options.relatedId === undefined ? `${kind.replace(/\W/g, '_')}_thin` : options.relatedId;
  return {
    id: options.id ?? newEventId(),
    object: 'v2.core.event',
    type: type.startsWith('v2.') ? type : `v1.${type}`,
    created: new Date((options.created ?? Math.floor(Date.now() / 1000)) * 1000).toISOString(),
    livemode: options.livemode ?? false,
    ...(options.context !== undefined && { context: options.context }),
    related_object:
      relatedId === null
        ? null
        : { id: relatedId, type: kind, url: `/v1/${kind.replace(/\./g, '/')}s/${relatedId}` },
    snapshot_event: options.snapshotEvent === undefined ? newEventId() : options.snapshotEvent,
  };
}
