import { opsRedriveSuite } from '../suites/ops-redrive';

opsRedriveSuite('cluster-ops-redrive');
