import * as assert from 'node:assert/strict';
import { countEvent, countMessages, EMPTY_COUNTERS, formatBytes, type CounterTally } from '../../../src/shared/sessionCounters';

describe('session counters', () => {
  it('count data messages and their payload bytes each way, and nothing else', () => {
    const tally: CounterTally = { ...EMPTY_COUNTERS };
    const noRtt = (): number | undefined => assert.fail('the round trip is asked for pongs only');
    countEvent(tally, 'text', 'sent', 5, noRtt);
    countEvent(tally, 'binary', 'sent', 7, noRtt);
    countEvent(tally, 'text', 'received', 11, noRtt);
    countEvent(tally, 'ping', 'sent', 4, noRtt);
    countEvent(tally, 'close', 'received', 2, noRtt);
    countEvent(tally, 'handshake-request', 'sent', 0, noRtt);
    countEvent(tally, 'info', 'local', 0, noRtt);
    assert.deepEqual(tally, { messagesSent: 2, bytesSent: 12, messagesReceived: 1, bytesReceived: 11 });
    assert.deepEqual(EMPTY_COUNTERS, { messagesSent: 0, messagesReceived: 0, bytesSent: 0, bytesReceived: 0 }, 'the empty counters are not changed');
  });

  it('count many events of one kind and direction at once as they count them one by one', () => {
    const tally: CounterTally = { ...EMPTY_COUNTERS };
    countMessages(tally, 'text', 'sent', 3, 30);
    countMessages(tally, 'binary', 'received', 2, 8);
    countMessages(tally, 'ping', 'received', 5, 20);
    countMessages(tally, 'info', 'local', 7, 0);
    assert.deepEqual(tally, { messagesSent: 3, bytesSent: 30, messagesReceived: 2, bytesReceived: 8 });
  });

  it('keep the last pong\'s round trip, and keep it when a pong has none', () => {
    const tally: CounterTally = { ...EMPTY_COUNTERS };
    countEvent(tally, 'pong', 'received', 0, () => 12.5);
    countEvent(tally, 'pong', 'received', 0, () => undefined);
    assert.equal(tally.lastRttMs, 12.5);
    countEvent(tally, 'pong', 'received', 0, () => 3);
    assert.equal(tally.lastRttMs, 3);
  });

  it('format sizes for the header', () => {
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64 MiB');
  });
});
