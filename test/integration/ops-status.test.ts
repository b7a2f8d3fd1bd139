import { opsStatusSuite } from '../suites/ops-status';

opsStatusSuite('ops-status');
