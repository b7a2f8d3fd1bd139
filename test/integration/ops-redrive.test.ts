import { opsRedriveSuite } from '../suites/ops-redrive';

opsRedriveSuite('ops-redrive');
