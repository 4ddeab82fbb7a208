/** A saved profile, end to end: parse, resolve every kind of variable, connect, and send the onOpen messages. */
import * as assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { parseProfile } from '../../../src/core/profile';
import { sessionOptionsFromProfile } from '../../../src/core/profileSession';
import { WebSocketSession } from '../../../src/core/session';
import type { VariableRef, VariableResolver } from '../../../src/core/variables';
import { allEvents, describeEvents, waitForEvent } from '../../fixtures/sessionWaits';

describe('sessionOptionsFromProfile', () => {
  let server: WebSocketServer;
  let port: number;
  let dir: string;
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; messages: string[] }> = [];
  const sessions: WebSocketSession[] = [];

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
    server.on('connection', (ws, request) => {
      const entry = { url: request.url ?? '', headers: request.headers, messages: [] as string[] };
      seen.push(entry);
      ws.on('message', (data) => entry.messages.push(data.toString()));
    });
    dir = mkdtempSync(join(tmpdir(), 'wsi-profile-'));
  });
  after(() => {
    for (const s of sessions) s.dispose();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves env, secret, input, uuid and timestamp variables, connects, and sends onOpen with fresh values', async () => {
    process.env.WSI_TEST_ROOM = 'room-42';
    const asked: VariableRef[] = [];
    // The engine takes any resolver function; this one stands where VS Code's SecretStorage and input boxes do.
    const resolver: VariableResolver = async (ref) => {
      asked.push(ref);
      if (ref.kind === 'env') return process.env[ref.name];
      if (ref.kind === 'secret') return ref.name === 'apiToken' ? 's3cr3t' : undefined;
      if (ref.kind === 'input') return 'typed by a person';
      return undefined;
    };
    const path = join(dir, 'chat.wsprofile');
    writeFileSync(
      path,
      `{
        // every kind of variable
        "name": "Chat",
        "url": "ws://127.0.0.1:${port}/rooms/\${env:WSI_TEST_ROOM}",
        "headers": { "Authorization": "Bearer \${secret:apiToken}", "X-Who": "\${input:Your name}", "X-Request-Id": "\${uuid}" },
        "messages": [
          { "name": "hello", "type": "json", "data": "{\\"id\\": \\"\${uuid}\\", \\"at\\": \${timestamp}}" }
        ],
        "onOpen": ["hello"]
      }`,
    );
    const { profile, problems } = parseProfile(readFileSync(path, 'utf8'), { profilePath: path });
    assert.ok(profile, JSON.stringify(problems));
    const options = await sessionOptionsFromProfile(profile, { resolver, proxy: { env: {} } });
    assert.equal(options.title, 'Chat');
    assert.deepEqual(options.secrets, [{ value: 's3cr3t', placeholder: '${secret:apiToken}' }], 'the session learns which values are secrets');
    const session = new WebSocketSession(options);
    sessions.push(session);
    session.connect();
    await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'sent');
    const request = seen[seen.length - 1];
    assert.equal(request.url, '/rooms/room-42');
    assert.equal(request.headers.authorization, 'Bearer s3cr3t');
    assert.equal(request.headers['x-who'], 'typed by a person');
    assert.match(String(request.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const sent = JSON.parse(allEvents(session).find((e) => e.kind === 'text' && e.direction === 'sent')?.payload?.toString() ?? '{}') as { id: string; at: number };
    assert.match(sent.id, /^[0-9a-f-]{36}$/);
    assert.notEqual(sent.id, request.headers['x-request-id'], 'each ${uuid} is fresh');
    assert.ok(Math.abs(sent.at - Date.now()) < 60_000, `timestamp ${sent.at} is now`);
    assert.deepEqual(asked.map((r) => r.kind).sort(), ['env', 'input', 'secret']);
    assert.ok(!describeEvents(session).includes('${'), 'no variable is sent as literal text');
    assert.ok(session.mask.isSensitiveHeader('X-Anything', 'Bearer s3cr3t'));
  });

  it('refuses to connect with an unresolved variable and names it', async () => {
    const path = join(dir, 'missing.wsprofile');
    const text = `{ "url": "ws://127.0.0.1:${port}/", "headers": { "Authorization": "Bearer \${secret:nope}" } }`;
    const { profile } = parseProfile(text, { profilePath: path });
    assert.ok(profile);
    await assert.rejects(sessionOptionsFromProfile(profile, { resolver: async () => undefined }), /\$\{secret:nope\}/);
  });
});
