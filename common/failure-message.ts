import type { Client } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';

/**
 * A failure's message as a person should read it. Failure messages travel encoded (the payload
 * codec encrypts them, data-converter.ts), so a raw failure from `describe()` or a history only
 * says "Encoded failure"; this decodes it with the client's own converter and keys.
 */
export async function failureMessage(
  client: Client,
  failure: temporal.api.failure.v1.IFailure | null | undefined,
): Promise<string | undefined> {
  if (!failure) return undefined;
  try {
    const error = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure);
    return error?.message ?? failure.message ?? undefined;
  } catch (err) {
    // A key this process lacks: say so instead of failing the whole command.
    return `(cannot decode the failure: ${(err as Error).message})`;
  }
}
