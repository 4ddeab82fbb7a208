import * as assert from 'node:assert/strict';
import { inputPrompt } from '../../../src/shared/inputPrompt';
import { renderedLinks } from './vscodeLinkPattern';

describe('inputPrompt', () => {
  const origin = { profileName: 'Payments', url: 'wss://user:pw@api.example.com:8443/ws?x=1' };

  it('is the profile\'s own text in a trusted workspace', () => {
    assert.equal(inputPrompt('Enter the tenant', origin, true), 'Enter the tenant');
  });

  it('says which profile asks, for which host, and that the workspace is not trusted', () => {
    assert.equal(inputPrompt('Enter your GitHub token', origin, false), 'The profile "Payments" (for api.example.com:8443) from this untrusted workspace asks: Enter your GitHub token');
  });

  it('names the host the URL parser would connect to, a backslash ending the authority as it does', () => {
    const prompt = inputPrompt('Token?', { profileName: 'p', url: 'wss://evil.example\\@api.github.com/' }, false);
    assert.match(prompt, /\(for evil\.example\)/);
    assert.equal(new URL('wss://evil.example\\@api.github.com/').host, 'evil.example', 'as the connection would');
  });

  it('names the URL when its host is a variable, and forms no link from any part', () => {
    const prompt = inputPrompt('[Open](command:evil)', { profileName: '[n](https://x.example)', url: '${env:URL}' }, false);
    assert.deepEqual(renderedLinks(prompt), []);
    assert.match(prompt, /for \$\{env:URL\}/);
    assert.deepEqual(renderedLinks(inputPrompt('[Open](command:evil)', undefined, true)), []);
  });
});
