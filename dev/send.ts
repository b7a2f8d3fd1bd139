/**
 * `npm run send -- <event type or fixture file> [--url URL] [--secret whsec_...] [--count N] [--thin]`
 *
 * Builds an event from the vendored fixtures (dev/fixtures.ts, a fresh id each time), signs it the
 * way Stripe does, POSTs it to the ingress and prints the answer with the event id, the type and the
 * Web UI link of its workflow. Never prints the payload: fixtures carry (sample) personal data.
 * With --thin it sends the thin event (event destinations) of that type instead: no object, a
 * related object and a snapshot event id, which is the workflow id.
 *
 * The signing secret is, in order: --secret, the first of STRIPE_WEBHOOK_SECRET (comma-separated),
 * or the file `npm start` writes (.data/webhook-secret, or $DATA_DIR/webhook-secret).
 * Exits non-zero when any delivery is not answered 2xx.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Stripe from 'stripe';
import { parseWebhookSecrets } from '../common/config';
import { localFiles } from '../common/local-data';
import { KIND_OF_EVENT_TYPE, kindSpec } from '../common/kinds';
import { refId } from '../common/stripe-event';
import { fixtureEvent, fixtureEventTypes } from './fixtures';
import { thinEvent } from './thin-fixtures';

const USAGE = `usage: npm run send -- <event type or fixture file> [--url URL] [--secret whsec_...] [--count N] [--thin]

  <event type>     e.g. customer.subscription.updated, invoice.payment_failed, charge.dispute.created
  <fixture file>   e.g. subscription_updated.json (test/fixtures/stripe-events) or ./my-event.json
  --url URL        default http://localhost:$PORT/webhooks/stripe (PORT defaults to 3000)
  --secret SECRET  default: first of STRIPE_WEBHOOK_SECRET, else .data/webhook-secret (written by npm start)
  --count N        send N events, each with a fresh id (default 1)
  --thin           send the type's thin event (v1.<type>, no object): the worker needs STRIPE_API_KEY
                   to retrieve its object, and holds it until then`;

const WEB_UI = `http://localhost:${process.env.TEMPORAL_UI_PORT?.trim() || 8233}`;
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_BODY_SHOWN = 2_000;

function signingSecret(flag: string | undefined): string {
  if (flag) return flag;
  const fromEnv = process.env.STRIPE_WEBHOOK_SECRET?.trim();
  if (fromEnv) return parseWebhookSecrets(fromEnv)[0]!;
  const file = localFiles().webhookSecret;
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret) return secret;
  }
  throw new Error(
    `no signing secret: pass --secret whsec_..., set STRIPE_WEBHOOK_SECRET, or run \`npm start\` once (it writes ${file})`,
  );
}

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** The thin event of a snapshot type, about the fixture's object. */
function thinOf(type: string, object: Record<string, unknown>): ReturnType<typeof thinEvent> {
  const kind = KIND_OF_EVENT_TYPE.get(type);
  // A kind keyed by another field (an entitlement summary) has no related object to retrieve.
  const relatedId = kind && kindSpec(kind)?.key === undefined ? (refId(object.id) ?? null) : null;
  return thinEvent(type, { relatedId });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      count: { type: 'string', default: '1' },
      thin: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    if (values.help) console.log(`\nevent types with a fixture:\n  ${fixtureEventTypes().join('\n  ')}`);
    process.exit(values.help ? 0 : 2);
  }
  const source = positionals[0]!;
  const url = values.url ?? `http://localhost:${process.env.PORT ?? 3000}/webhooks/stripe`;
  const count = positiveInt('count', values.count);
  const secret = signingSecret(values.secret);
  const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';

  let failures = 0;
  for (let i = 0; i < count; i++) {
    const event = fixtureEvent(source);
    const sent = values.thin ? thinOf(event.type, event.data.object) : event;
    const payload = JSON.stringify(sent);
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      timestamp: Math.floor(Date.now() / 1000),
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await response.text();
    const shown = body.length > MAX_BODY_SHOWN ? `${body.slice(0, MAX_BODY_SHOWN)}…` : body;
    console.log(`${response.status} ${response.statusText} ${shown}`.trimEnd());
    // A thin event runs under its snapshot event's id.
    const snapshot = 'snapshot_event' in sent ? sent.snapshot_event : undefined;
    const workflowId = typeof snapshot === 'string' && snapshot ? snapshot : sent.id;
    console.log(
      `  event   ${sent.id}  ${sent.type}${workflowId === sent.id ? '' : `  (workflow ${workflowId})`}`,
    );
    console.log(`  web ui  ${WEB_UI}/namespaces/${encodeURIComponent(namespace)}/workflows/${workflowId}`);
    if (!response.ok) failures++;
  }
  if (failures > 0) {
    console.error(`${failures} of ${count} deliveries were not answered 2xx`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
