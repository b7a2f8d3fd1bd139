import type { DesignName } from './designs';
import type { DesignResult } from './report-types';
import { cpu } from './roles';

const LABELS: Record<DesignName, string> = {
  temporal: 'temporal, dev server',
  'temporal-split': 'temporal, dev server',
  'temporal-cluster': 'temporal, cluster',
  queue: 'queue (BullMQ)',
  inline: 'inline',
};

/** Its column's title: temporal designs say how their processes were laid out (older reports ran split). */
export function labelOf(d: DesignResult): string {
  if (!d.name.startsWith('temporal')) return LABELS[d.name];
  return `${LABELS[d.name]}, ${cpu(d, 'combined') === undefined ? 'split' : 'combined'}`;
}
