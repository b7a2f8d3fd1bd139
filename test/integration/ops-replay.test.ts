import { opsReplaySuite } from '../suites/ops-replay';

opsReplaySuite('ops-replay');
