import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves failure messages and stack traces into an encoded payload, so the payload codec encrypts
 * them too (they can quote an email or an address). Loaded by path (`failureConverterPath`):
 * the workflow sandbox bundles it, so it imports nothing but @temporalio/common.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
