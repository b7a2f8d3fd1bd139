import { everyTypeSuite } from '../suites/every-type';

everyTypeSuite('cluster-every-type');
