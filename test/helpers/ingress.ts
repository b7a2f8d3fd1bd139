import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { Client } from '@temporalio/client';
import { createApp } from '../../ingress/app';
import { createEventStarter } from '../../common/event-starter';

export const TEST_SECRET = 'whsec_integration_test_secret';
const stripe = new Stripe('sk_test_unused');

export interface TestIngress {
  url: string;
  /** Signs `body` for real with the endpoint secret and POSTs it like Stripe does. */
  post(body: string | object, secret?: string): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestIngress(
  client: Client,
  taskQueue: string,
  options: { startTimeoutMs?: number; maxBodyBytes?: number } = {},
): Promise<TestIngress> {
  const app = createApp({
    starter: createEventStarter(client, {
      taskQueue,
      startTimeoutMs: options.startTimeoutMs ?? 5000,
    }),
    secrets: [TEST_SECRET],
    toleranceSeconds: 300,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async post(body, secret = TEST_SECRET) {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      const signature = stripe.webhooks.generateTestHeaderString({ payload, secret });
      const response = await fetch(`${url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
        body: payload,
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
