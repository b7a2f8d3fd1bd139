import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPostgresWriteRace } from '../../worker/postgres-write-race';

function errorWithStack(message: string, frame: string): TypeError {
  const err = new TypeError(message);
  err.stack = `TypeError: ${message}\n    ${frame}\n    at process.processImmediate (node:internal/timers:483:21)`;
  return err;
}

describe('the postgres.js write race guard', () => {
  const message = "Cannot read properties of null (reading 'write')";

  it('recognises the driver race, in the ESM and the CommonJS build', () => {
    for (const frame of [
      'at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)',
      'at Immediate.nextWrite (/app/node_modules/postgres/cjs/src/connection.js:255:22)',
    ]) {
      assert.equal(isPostgresWriteRace(errorWithStack(message, frame)), true, frame);
    }
  });

  it('lets every other error through, even the same message from our own code', () => {
    const ours = 'at Immediate.nextWrite (/app/activities/ledger.ts:10:5)';
    assert.equal(isPostgresWriteRace(errorWithStack(message, ours)), false);
    const other = 'at Immediate.nextWrite (/app/node_modules/postgres/src/connection.js:255:22)';
    assert.equal(
      isPostgresWriteRace(errorWithStack("Cannot read properties of null (reading 'end')", other)),
      false,
    );
    assert.equal(isPostgresWriteRace(new Error(message)), false);
    assert.equal(isPostgresWriteRace('not an error'), false);
  });
});
