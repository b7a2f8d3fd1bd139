import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './payload-codec';
import type { PayloadKey } from './payload-keys';

/**
 * The module behind `failureConverterPath`. A worker started with `workflowsPath` bundles it by
 * itself; a prebundled worker needs `bundleWorkflowCode({ failureConverterPath })` at build time.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * One data converter for every Client and Worker: payloads encrypted when keys are given, and
 * failure messages always moved into an encoded attribute (encrypted with the payloads). Not for workflow code: the codec uses node:crypto, and runs outside the
 * sandbox anyway (the SDK applies codecs in the worker's main thread).
 */
export function createDataConverter(keys?: readonly PayloadKey[]): DataConverter {
  return {
    ...(keys !== undefined && { payloadCodecs: [new EncryptionCodec(keys)] }),
    // Always, so the worker's main thread and the prebundled sandbox agree (the bundle is built
    // once, whatever the keys). The SDK takes it by path only, since the sandbox loads it too.
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
