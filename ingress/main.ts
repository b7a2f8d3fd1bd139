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
