/**
 * Failure types shared by activities (which throw them) and workflows (whose retry policy names
 * them). Pure module: safe inside the workflow sandbox.
 */
export const INVALID_STRIPE_PAYLOAD = 'InvalidStripePayload';
