import { everyTypeSuite } from '../suites/every-type';

everyTypeSuite('every-type');
