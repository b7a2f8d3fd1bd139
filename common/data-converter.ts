import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './payload-codec';
import type { PayloadKey } from './payload-keys';

/**
 * The module behind `failureConverterPath`. A worker started with `workflowsPath` bundles it by
 * itself; a prebundled worker needs `bundleWorkflowCode({ failureConverterPath })` at build time.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * One data converter for every Client and Worker: encrypted when keys are given, Temporal's
 * defaults otherwise. Not for workflow code: the codec uses node:crypto, and runs outside the
 * sandbox anyway (the SDK applies codecs in the worker's main thread).
 */
export function createDataConverter(keys?: readonly PayloadKey[]): DataConverter {
  if (keys === undefined) return {};
  return {
    payloadCodecs: [new EncryptionCodec(keys)],
    // The SDK takes the failure converter by path only, since the sandbox has to load it too.
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
