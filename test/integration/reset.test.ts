import { resetSuite } from '../suites/reset';

resetSuite('reset');
