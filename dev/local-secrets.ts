import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseWebhookSecrets } from '../common/config';
import { localFiles } from '../common/local-data';

/** A stable local signing secret, so `npm run send` and restarts agree without configuration. */
export function localWebhookSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.STRIPE_WEBHOOK_SECRET) return parseWebhookSecrets(env.STRIPE_WEBHOOK_SECRET);
  const file = localFiles(env).webhookSecret;
  if (!existsSync(file)) {
    writeFileSync(file, `whsec_local_${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  }
  return [readFileSync(file, 'utf8').trim()];
}
