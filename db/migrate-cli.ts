import { loadWorkerConfig } from '../common/config';
import { logger } from '../common/logger';
import { openPostgres } from './client';

async function main(): Promise<void> {
  const { databaseUrl } = loadWorkerConfig();
  const database = await openPostgres(databaseUrl, { max: 1 });
  try {
    await database.migrate();
    logger.info('migrations applied');
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});
