import * as assert from 'node:assert/strict';
import { describeCloseCode } from '../../../src/core/closeCodes';
import * as rfc6455 from '../../../src/shared/rfc6455';

describe('RFC 6455 numbers', () => {
  it('are the ones section 5.5 fixes for control frames', () => {
    assert.equal(rfc6455.MAX_CONTROL_PAYLOAD_BYTES, 125);
    assert.equal(rfc6455.MAX_CLOSE_REASON_BYTES, 123);
    assert.equal(rfc6455.MAX_7BIT_PAYLOAD_LENGTH, 125);
  });

  it('name each close code 1000-1015 once, and the code table knows each one', () => {
    const codes = Object.entries(rfc6455).filter(([name]) => name.startsWith('CLOSE_')).map(([, code]) => code).sort((a, b) => a - b);
    assert.deepEqual(codes, Array.from({ length: 16 }, (_, i) => 1000 + i));
    for (const code of codes) assert.equal(describeCloseCode(code).range === 'standard' || describeCloseCode(code).range === 'reserved', true, String(code));
    assert.equal(describeCloseCode(rfc6455.CLOSE_GOING_AWAY).name, 'Going Away');
    assert.equal(describeCloseCode(rfc6455.CLOSE_ABNORMAL).sendable, false);
  });
});
