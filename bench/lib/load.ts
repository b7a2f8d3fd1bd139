/**
 * An open-loop load generator that behaves like Stripe's sender: each event is signed at send time
 * with the endpoint secret and POSTed on a schedule (event i at start + i / rate), whether or not
 * earlier requests have been answered. Closed-loop sending would slow down with the server and
 * hide its queueing; this does not.
 *
 * Connections are kept alive (as Stripe's sender does), at most 256 at once, like a sender's
 * connection pool: a request that waits for a free connection counts that wait in its latency
 * (the clock starts before the request is queued). With thousands of connections an overloaded
 * design spent its CPU on connections instead of events and answered worse.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import Stripe from 'stripe';
import type { StreamEvent } from './stream';

const stripe = new Stripe('sk_test_unused');

export interface Delivery {
  event: StreamEvent;
  /** performance.now() when the request was written. */
  sentAt: number;
  /** How late it was sent against its schedule: the generator's own lag. */
  lagMs: number;
  ackMs: number;
  status: number;
}

export class Sender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly secret: string,
  ) {
    this.url = new URL('/webhooks/stripe', baseUrl);
  }

  /** Sends one event; resolves with its status and acknowledgement latency, never rejects. */
  post(event: StreamEvent, scheduledAt = performance.now()): Promise<Delivery> {
    const signature = stripe.webhooks.generateTestHeaderString({ payload: event.body, secret: this.secret });
    const sentAt = performance.now();
    return new Promise((resolve) => {
      const done = (status: number) =>
        resolve({ event, sentAt, lagMs: sentAt - scheduledAt, ackMs: performance.now() - sentAt, status });
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(event.body),
            'stripe-signature': signature,
          },
        },
        (res) => {
          res.resume();
          res.once('end', () => done(res.statusCode ?? 0));
          res.once('error', () => done(0));
        },
      );
      req.once('error', () => done(0));
      req.end(event.body);
    });
  }

  /**
   * Sends `events` at `rate` per second on a fixed schedule; `onDelivered` sees each answer as it
   * comes. Resolves once every request has been answered.
   */
  async sendAtRate(
    events: StreamEvent[],
    rate: number,
    onDelivered: (delivery: Delivery) => void = () => {},
  ): Promise<Delivery[]> {
    const started = performance.now();
    const deliveries: Promise<Delivery>[] = [];
    let next = 0;
    while (next < events.length) {
      const due = Math.min(events.length, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      for (; next < due; next++) {
        const scheduledAt = started + (next * 1000) / rate;
        deliveries.push(
          this.post(events[next]!, scheduledAt).then((delivery) => {
            onDelivered(delivery);
            return delivery;
          }),
        );
      }
      const wait = started + (next * 1000) / rate - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(wait, 50))));
    }
    return Promise.all(deliveries);
  }

  close(): void {
    this.agent.destroy();
  }
}
