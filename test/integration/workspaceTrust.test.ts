/**
 * Workspace Trust in a real VS Code. The test host runs with trust disabled (so every workspace is
 * trusted), which means Restricted Mode itself cannot be entered here; these tests check the
 * manifest's declaration, that the running extension asks VS Code's own isTrusted, and the guard's
 * behaviour with an injected "not trusted" answer and a scripted modal. The real Restricted Mode,
 * driven through the workbench's own dialogs and trust editor, is test/e2e/restrictedMode.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WsInspectorTestApi } from '../../src/extension';
import { CONNECT_WITHOUT_THEM, MANAGE_WORKSPACE_TRUST, WorkspaceTrustGuard, type TrustWarning } from '../../src/vscode/workspaceTrust';

const EXTENSION_ID = 'websocket-inspector.websocket-inspector';

describe('Workspace Trust in a real VS Code', () => {
  let extension: vscode.Extension<WsInspectorTestApi>;
  let api: WsInspectorTestApi;

  before(async () => {
    const found = vscode.extensions.getExtension<WsInspectorTestApi>(EXTENSION_ID);
    assert.ok(found);
    extension = found;
    api = await extension.activate();
  });

  it('declares limited support for untrusted workspaces, with the reason', () => {
    const declared = (extension.packageJSON as { capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: unknown } } }).capabilities?.untrustedWorkspaces;
    assert.equal(declared?.supported, 'limited');
    assert.equal(typeof declared?.description, 'string');
    for (const word of ['${env:…}', '${secret:…}', 'TLS', 'Restricted Mode']) assert.ok((declared.description as string).includes(word), `the description does not mention ${word}`);
  });

  it('decides with VS Code\'s own vscode.workspace.isTrusted', () => {
    assert.equal(api.trust.isTrusted(), vscode.workspace.isTrusted);
  });

  describe('a guard told the workspace is not trusted', () => {
    const shown: Array<{ message: string; detail: string; buttons: string[] }> = [];
    let answer: string | undefined;
    const warn: TrustWarning = (message, detail, ...buttons) => {
      shown.push({ message, detail, buttons });
      return Promise.resolve(answer);
    };
    const guard = new WorkspaceTrustGuard(() => false, warn);
    beforeEach(() => (shown.length = 0));

    it('warns before connecting, names what will not be read, and connects only on "Connect Without Them"', async () => {
      answer = CONNECT_WITHOUT_THEM;
      assert.equal(await guard.confirmConnect('Prod', ['${env:TOKEN}', 'tls.key']), true);
      assert.equal(shown.length, 1);
      assert.match(shown[0].message, /not trusted/);
      assert.match(shown[0].detail, /environment variables .*secrets .*TLS key, certificate and CA files; saved messages' files/);
      assert.match(shown[0].detail, /This profile uses \$\{env:TOKEN\}, tls\.key/);
      assert.deepEqual(shown[0].buttons, [CONNECT_WITHOUT_THEM, MANAGE_WORKSPACE_TRUST]);
      answer = undefined; // Cancel or Escape
      assert.equal(await guard.confirmConnect('Prod', []), false);
    });

    it('refuses ${env:…} and ${secret:…} but passes ${input:…} to the real resolver', async () => {
      const guarded = guard.guardResolver(async (ref) => `answer to ${ref.raw}`);
      await assert.rejects(guarded({ kind: 'env', name: 'TOKEN', raw: '${env:TOKEN}', offset: 0 }), /\$\{env:TOKEN\} was not read: this workspace is not trusted \(Restricted Mode\)/);
      await assert.rejects(guarded({ kind: 'secret', name: 'k', raw: '${secret:k}', offset: 0 }), /\$\{secret:k\} was not read/);
      assert.equal(await guarded({ kind: 'input', name: 'Room', raw: '${input:Room}', offset: 0 }), 'answer to ${input:Room}');
    });

    it('does not read the files a profile names', async () => {
      await assert.rejects(guard.readProfileFile(__filename), /was not read: this workspace is not trusted \(Restricted Mode\)/);
    });
  });

  it('a trusted guard connects without asking', async () => {
    let asked = false;
    const guard = new WorkspaceTrustGuard(() => true, () => {
      asked = true;
      return Promise.resolve(undefined);
    });
    assert.equal(await guard.confirmConnect('Dev', ['${env:TOKEN}']), true);
    assert.equal(asked, false);
  });
});
