import type { ProcessStripeEvent } from '../common/event-workflow';
import { processFirstRelease } from './process-first-release';
import { processLocalFirst } from './process-local-first';

/**
 * Implements the contract in common/event-workflow.ts, which every starter is typed against. The
 * starter's options pick the version; a run started without them replays the first release.
 */
export const processStripeEvent: ProcessStripeEvent = (event, options) =>
  options?.version === 2 ? processLocalFirst(event) : processFirstRelease(event);
