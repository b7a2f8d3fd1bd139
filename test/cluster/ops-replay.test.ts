import { opsReplaySuite } from '../suites/ops-replay';

opsReplaySuite('cluster-ops-replay');
