import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import {
  decodeFromPayloadsAtIndex,
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
  encodeToPayloads,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { createDataConverter, FAILURE_CONVERTER_PATH } from '../../common/data-converter';

const EMAIL = 'grace.hopper+converter-marker@example.test';
const keys = [{ id: 'k1', key: randomBytes(32) }];
const event = { id: 'evt_1', data: { object: { email: EMAIL, name: 'Grace Hopper' } } };

describe('createDataConverter', () => {
  it('encrypts what the SDK sends and gives it back on the way in', async () => {
    const converter = loadDataConverter(createDataConverter(keys));
    const payloads = await encodeToPayloads(converter, event);
    assert.equal(payloads?.length, 1);
    const wire = Buffer.from(temporal.api.common.v1.Payloads.encode({ payloads }).finish());
    assert.equal(wire.includes(EMAIL), false);
    assert.equal(wire.includes('binary/encrypted'), true);
    assert.deepEqual(await decodeFromPayloadsAtIndex(converter, 0, payloads), event);
  });

  it('encrypts failure messages and stack traces too', async () => {
    const converter = loadDataConverter(createDataConverter(keys));
    const error = ApplicationFailure.nonRetryable(`card of ${EMAIL} declined`, 'CardDeclined');
    const failure = await encodeErrorToFailure(converter, error);
    assert.equal(failure.message, 'Encoded failure');
    assert.equal(failure.stackTrace, '');
    const wire = Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish());
    assert.equal(wire.includes(EMAIL), false);
    assert.equal(wire.includes('declined'), false);

    const decoded = await decodeOptionalFailureToOptionalError(converter, failure);
    assert.ok(decoded instanceof ApplicationFailure);
    assert.equal(decoded.message, `card of ${EMAIL} declined`);
    assert.equal(decoded.type, 'CardDeclined');
    assert.equal(decoded.nonRetryable, true);
  });

  it('without keys, leaves payloads in plaintext but still moves failure messages into an attribute', async () => {
    // The failure converter is the same with and without keys, so one prebuilt workflow bundle fits both.
    assert.deepEqual(createDataConverter(), { failureConverterPath: FAILURE_CONVERTER_PATH });
    const converter = loadDataConverter(createDataConverter());
    const payloads = await encodeToPayloads(converter, event);
    assert.equal(Buffer.from(payloads?.[0]?.data ?? []).includes(EMAIL), true);
    const failure = await encodeErrorToFailure(converter, new Error('plain message'));
    assert.equal(failure.message, 'Encoded failure');
    assert.ok(
      Buffer.from(failure.encodedAttributes?.data ?? []).includes('plain message'),
      'readable without a key',
    );
  });
});
