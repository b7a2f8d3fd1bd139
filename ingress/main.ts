import { loadIngressConfig } from '../common/config';
import { logger } from '../common/logger';
import { describeTemporal } from '../common/temporal-config';
import { startIngress } from './server';

async function main(): Promise<void> {
  const config = loadIngressConfig();
  const ingress = await startIngress(config);
  // Secrets are never logged; their count helps confirm a rotation was deployed.
  logger.info(
    {
      port: config.port,
      ...describeTemporal(config.temporal),
      webhookSecrets: config.webhookSecrets.length,
    },
    'ingress listening',
  );
  // The ingress serves while Temporal is not ready (webhooks get 503, Stripe retries); say why once,
  // at start, where a deploy is watched: a wrong certificate or a namespace set up by hand.
  void ingress.readiness().then((readiness) => {
    if (!readiness.ready)
      logger.warn({ problems: readiness.problems }, 'Temporal is not ready: /readyz answers 503 until it is');
  });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({ signal }, 'shutting down: no new connections, draining requests');
  await ingress.stop();
  logger.info('ingress stopped');
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});
