import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportedNames, metricNamesIn } from '../helpers/promql';

describe('metricNamesIn', () => {
  it('finds the metrics, not the functions, labels, strings, ranges or keywords', () => {
    assert.deepEqual(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (provider, le) (rate(provider_workflow_start_duration_seconds_bucket{reason="temporal_unavailable"}[5m])))',
      ),
      ['provider_workflow_start_duration_seconds_bucket'],
    );
    assert.deepEqual(
      metricNamesIn(
        'sum(rate(a_total[5m])) > 0.1 * sum without (instance) (rate(b_total[5m])) + 0.05 and on() c',
      ),
      ['a_total', 'b_total', 'c'],
    );
  });

  it('reads series names from Prometheus text', () => {
    const text = '# HELP x_total X\n# TYPE x_total counter\nx_total{a="1"} 2\ny_bucket{le="1"} 0\nz 1\n';
    assert.deepEqual([...exportedNames(text)], ['x_total', 'y_bucket', 'z']);
  });
});
