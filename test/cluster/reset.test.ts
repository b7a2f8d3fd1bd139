import { clusterSize } from '../helpers/cluster-tier';
import { RESET_TYPES, resetSuite } from '../suites/reset';

// One type in `npm test` (each reset is a new run on the cluster), all three with CLUSTER_FULL=1.
resetSuite('cluster-reset', clusterSize(['invoice.payment_failed'], RESET_TYPES));
