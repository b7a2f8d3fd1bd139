import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { toActivityFailure } from '../../activities/errors';

const PARAMS = ['cus_1', 'jenny.rosen@example.com', 'Jenny Rosen'];
const CONTEXT = 'applyCustomerEvent on customer.updated evt_1';

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toActivityFailure: what a handler error becomes', () => {
  it('keeps only the SQLSTATE of a data exception and makes it non-retryable', () => {
    const failure = toActivityFailure(
      new DrizzleQueryError(
        'insert into customers ...',
        PARAMS,
        pgError('22P05', 'unsupported Unicode escape'),
      ),
      CONTEXT,
    );
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, 'InvalidStripePayload');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /SQLSTATE 22P05/);
  });

  it('makes an integrity violation non-retryable, with Postgres message and no parameters', () => {
    const failure = toActivityFailure(
      new DrizzleQueryError('insert ...', PARAMS, pgError('23502', 'null value in column "currency"')),
      CONTEXT,
    );
    assert.ok(failure instanceof ApplicationFailure && failure.nonRetryable);
    assert.match(failure.message, /23502: null value in column "currency"/);
  });

  it('keeps other SQLSTATEs and driver errors retryable', () => {
    const missing = toActivityFailure(
      new DrizzleQueryError('select ...', PARAMS, pgError('42P01', 'relation "customers" does not exist')),
      CONTEXT,
    );
    assert.ok(!(missing instanceof ApplicationFailure));
    const refused = toActivityFailure(
      new DrizzleQueryError(
        'select ...',
        PARAMS,
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
      CONTEXT,
    );
    assert.ok(!(refused instanceof ApplicationFailure));
    assert.match(refused.message, /ECONNREFUSED/);
    for (const failure of [missing, refused]) {
      for (const value of PARAMS)
        assert.ok(!failure.message.includes(value), `${value} leaked: ${failure.message}`);
    }
  });

  it('turns an out-of-range value into a non-retryable failure', () => {
    const failure = toActivityFailure(new RangeError('Invalid time value'), CONTEXT);
    assert.ok(failure instanceof ApplicationFailure && failure.nonRetryable);
  });

  it('passes ApplicationFailures through untouched', () => {
    const original = ApplicationFailure.nonRetryable('invoice has no customer', 'InvalidStripePayload');
    assert.equal(toActivityFailure(original, CONTEXT), original);
  });
});
