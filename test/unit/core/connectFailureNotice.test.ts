/**
 * What a notification says when a hostile profile cannot connect: every message these paths
 * produce, run through VS Code's link pattern after the notification sanitizer, yields no link, and
 * quotes nothing of the file.
 */
import * as assert from 'node:assert/strict';
import { connectFailureNotice, profileProblemsNotice, type ProfileSource } from '../../../src/core/connectFailureNotice';
import { parseProfile } from '../../../src/core/profile';
import { sessionOptionsFromProfile } from '../../../src/core/profileSession';
import { restrictProfileFileReader, restrictResolver } from '../../../src/core/restrictedMode';
import type { VariableResolver } from '../../../src/core/variables';
import { notificationText } from '../../../src/shared/notificationText';
import { renderedLinks } from '../shared/vscodeLinkPattern';

const LINK = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D)';
const noValues: VariableResolver = async () => undefined;

/** The notice for connecting `profile` (a JSON object) with `resolver` in an untrusted workspace. */
async function noticeFor(profile: Record<string, unknown>, resolver: VariableResolver, trusted = false): Promise<{ notice: string; range?: { offset: number; length: number }; coreMessage: string; source: ProfileSource }> {
  const source = { fileName: 'api.wsprofile', text: JSON.stringify(profile, null, 2) };
  const parsed = parseProfile(source.text, { profilePath: '/workspace/api.wsprofile' });
  assert.ok(parsed.profile, JSON.stringify(parsed.problems));
  const isTrusted = (): boolean => trusted;
  try {
    await sessionOptionsFromProfile(parsed.profile, { resolver: restrictResolver(resolver, isTrusted), readFile: restrictProfileFileReader(async () => Buffer.from(''), isTrusted), proxy: { env: {} } });
  } catch (err) {
    const notice = connectFailureNotice(err, source);
    return { notice: notificationText(`Connect WebSocket: ${notice.message}`), range: notice.range, coreMessage: err instanceof Error ? err.message : String(err), source };
  }
  return assert.fail('the profile connected');
}

function assertQuotesNothing(notice: string): void {
  assert.deepEqual(renderedLinks(notice), [], notice);
  assert.ok(!notice.includes('command:'), `the notice quotes the file: ${notice}`);
  assert.ok(!notice.includes('Fix it]'), `the notice quotes the file: ${notice}`);
}

describe('connectFailureNotice', () => {
  it('names a refused ${env:…} by its kind and position, not by its text', async () => {
    const { notice, range, coreMessage, source } = await noticeFor({ name: 'api', url: 'ws://127.0.0.1:1/', headers: { 'X-Token': `\${env:${LINK}}` } }, noValues);
    assert.deepEqual(renderedLinks(coreMessage).length, 1, 'the engine\'s own sentence quotes the variable, which is why notifications do not use it');
    assertQuotesNothing(notice);
    assert.match(notice, /^Connect WebSocket: A \$\{env:…\} variable at line 5, column \d+ of api\.wsprofile was not read: this workspace is not trusted \(Restricted Mode\)/);
    assert.ok(range);
    assert.equal(source.text.slice(range.offset, range.offset + range.length), `\${env:${LINK}}`, 'the range selects the variable');
  });

  it('names a refused ${secret:…} in the URL the same way', async () => {
    const { notice } = await noticeFor({ name: 'api', url: `ws://127.0.0.1:1/?t=\${secret:${LINK}}` }, noValues);
    assertQuotesNothing(notice);
    assert.match(notice, /A \$\{secret:…\} variable at line 3, column \d+ of api\.wsprofile was not read/);
  });

  it('says a variable with no value has none, and how to supply its kind', async () => {
    const { notice } = await noticeFor({ name: 'api', url: 'ws://127.0.0.1:1/', headers: { Authorization: `Bearer \${secret:${LINK}}` } }, noValues, true);
    assertQuotesNothing(notice);
    assert.match(notice, /A \$\{secret:…\} variable at line 5, column \d+ of api\.wsprofile has no value: connect again and enter the secret when asked/);
  });

  it('names a refused TLS file by its position', async () => {
    const { notice } = await noticeFor({ name: 'api', url: 'wss://127.0.0.1:1/', tls: { ca: LINK } }, noValues);
    assertQuotesNothing(notice);
    assert.match(notice, /A file named at line 5, column \d+ of api\.wsprofile was not read: this workspace is not trusted/);
  });

  it('counts a broken profile\'s problems and leaves them to the Problems panel', () => {
    const text = JSON.stringify({ name: 'api', url: 'ws://127.0.0.1:1/', headers: { [LINK]: 'x' } });
    const parsed = parseProfile(text, { profilePath: '/workspace/api.wsprofile' });
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    assert.ok(errors.some((p) => renderedLinks(p.message).length > 0), 'the problem itself quotes the header name');
    const notice = notificationText(`Connect WebSocket: ${profileProblemsNotice({ fileName: 'api.wsprofile', text }, errors.length).message}`);
    assertQuotesNothing(notice);
    assert.equal(notice, `Connect WebSocket: api.wsprofile has ${errors.length} problem${errors.length === 1 ? '' : 's'}, listed in the Problems panel. Fix ${errors.length === 1 ? 'it' : 'them'} and connect again.`);
  });

  it('still forms no link from an error it has no words of its own for', () => {
    const notice = notificationText(`Connect WebSocket: ${connectFailureNotice(new Error(`tls.ca: cannot read ${LINK}`), { fileName: '[a](command:b).wsprofile', text: '' }).message}`);
    assert.deepEqual(renderedLinks(notice), []);
  });
});
