export interface Banner {
  port: number;
  namespace: string;
  /** The dev server's Web UI; undefined with TEMPORAL_ADDRESS (the user's own UI). */
  uiUrl: string | undefined;
  database: string;
  reconciliation: string;
  secret: string;
  secretSource: string;
  payloads: string;
  codecUrl: string | undefined;
  /** STRIPE_API_KEY is set: the initial sync can fill the mirror with the account's existing objects. */
  canSync?: boolean;
}

/** What `npm start` prints once everything runs: where things are, and what to try first. */
export function printBanner(banner: Banner): void {
  const ui = banner.uiUrl ?? 'your Temporal Web UI';
  const codec = banner.codecUrl
    ? `
  Codec server    ${banner.codecUrl}  (the Web UI decrypts payloads through it; also
                  temporal workflow show --codec-endpoint ${banner.codecUrl} -w <evt_...>)`
    : '';
  console.log(`
  Stripe → Temporal pipeline is running.

  Webhook URL     http://localhost:${banner.port}/webhooks/stripe
  Temporal Web UI ${ui}/namespaces/${banner.namespace}/workflows
  Database        ${banner.database}
  Reconciliation  ${banner.reconciliation}
  Signing secret  ${banner.secret} (${banner.secretSource === 'STRIPE_WEBHOOK_SECRET' ? 'from STRIPE_WEBHOOK_SECRET' : `saved in ${banner.secretSource}`})
  Payloads        ${banner.payloads}${codec}

${
  banner.canSync
    ? `  Load the account's existing objects (once):  npm run ops -- sync
    progress: npm run ops -- sync --status   (live events keep arriving; the newest state wins)
`
    : ''
}  Send a signed sample event:   npm run send -- customer.subscription.created
  Forward real test events:     stripe listen --forward-to http://localhost:${banner.port}/webhooks/stripe
    then restart with STRIPE_WEBHOOK_SECRET=<the whsec_ it prints>,${banner.secret}
  Stop with Ctrl-C.
`);
}
