/**
 * Failure types shared by activities (which throw them) and workflows (whose retry policy names
 * them). Pure module: safe inside the workflow sandbox.
 */
export const INVALID_STRIPE_PAYLOAD = 'InvalidStripePayload';
/** An operator paused the handler (`ops pause-handler`); retried every few seconds until resumed. */
export const HANDLER_PAUSED = 'HandlerPaused';
/** A thin event arrived while the worker has no STRIPE_API_KEY to fetch its object with. */
export const THIN_EVENT_NEEDS_API_KEY = 'ThinEventNeedsApiKey';
