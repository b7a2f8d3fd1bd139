/**
 * The event stream every design receives: the same events, in the same order, built from the
 * vendored fixtures. Types rotate through five handler families; each event is about an object of
 * its own, so the figures measure the pipeline, not row-lock waits on one hot object.
 *
 * Events are rendered from one template per type by replacing two placeholders, so a stream of
 * any length costs no memory until an event is sent.
 */
import { randomBytes } from 'node:crypto';
import { fixtureEvent } from '../../dev/fixtures';

export const STREAM_TYPES = [
  { type: 'customer.subscription.updated', objectPrefix: 'sub', table: 'subscriptions' },
  { type: 'invoice.paid', objectPrefix: 'in', table: 'invoices' },
  { type: 'payment_intent.succeeded', objectPrefix: 'pi', table: 'payment_intents' },
  { type: 'charge.succeeded', objectPrefix: 'ch', table: 'charges' },
  { type: 'customer.updated', objectPrefix: 'cus', table: 'customers' },
] as const;

const EVENT_ID = 'evt_placeholder_event_id';
const OBJECT_ID = 'placeholder_object_id';

export interface StreamEvent {
  id: string;
  type: string;
  objectId: string;
  body: string;
}

export class EventStream {
  /** Distinguishes runs: the dev server's namespace remembers workflow ids for its retention. */
  readonly tag = randomBytes(4).toString('hex');
  private readonly templates = STREAM_TYPES.map(({ type, objectPrefix }) => ({
    type,
    objectPrefix,
    body: JSON.stringify(fixtureEvent(type, { id: EVENT_ID, object: { id: OBJECT_ID } })),
  }));

  /** The i-th event of the stream; the same i gives the same event. */
  event(index: number): StreamEvent {
    const template = this.templates[index % this.templates.length]!;
    const id = `evt_bench_${this.tag}_${index}`;
    const objectId = `${template.objectPrefix}_bench_${this.tag}_${index}`;
    const body = template.body.replace(EVENT_ID, id).replace(OBJECT_ID, objectId);
    return { id, type: template.type, objectId, body };
  }

  /** Events [from, from + count). */
  slice(from: number, count: number): StreamEvent[] {
    return Array.from({ length: count }, (_, i) => this.event(from + i));
  }
}
