import { deliverySuite } from '../suites/delivery';

deliverySuite('cluster-delivery');
