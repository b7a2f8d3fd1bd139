import { opsStatusSuite } from '../suites/ops-status';

opsStatusSuite('cluster-ops-status');
