/**
 * The template "New WebSocket Profile" writes must be a profile as it stands: no problem from the
 * engine's parser, no complaint from the schema VS Code checks it with, and every field it names
 * known to both. (src/vscode/profileTemplate.ts imports nothing from vscode, so plain Node runs it.)
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { parseProfile } from '../../../src/core/profile';
import { profileTemplate } from '../../../src/vscode/profileTemplate';

const root = join(__dirname, '..', '..', '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'media', 'wsprofile.schema.json'), 'utf8')) as Record<string, unknown>;

describe('the new-profile template', () => {
  it('parses without a single problem and keeps the name it is given, quotes and all, minus the `$` of a `${`', () => {
    const parsed = parseProfile(profileTemplate('Chat "staging" \\ ${env:X}'), { profilePath: '/tmp/new.wsprofile' });
    assert.deepEqual(parsed.problems, []);
    // A name cannot hold variables, so the template keeps the text without the `$`.
    assert.equal(parsed.profile?.name, 'Chat "staging" \\ {env:X}');
    assert.equal(parsed.profile?.url, 'ws://127.0.0.1:8080/');
    assert.deepEqual(parsed.profile?.messages.map((m) => m.name), ['hello']);
  });

  it('is accepted by media/wsprofile.schema.json the way VS Code reads it (comments and trailing commas allowed)', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    ajv.addVocabulary(['markdownDescription', 'defaultSnippets', 'allowComments', 'allowTrailingCommas', 'patternErrorMessage', 'enumDescriptions']);
    const validate = ajv.compile(schema);
    const errors: ParseError[] = [];
    const value: unknown = parseJsonc(profileTemplate('Endpoint'), errors, { allowTrailingComma: true });
    assert.deepEqual(errors, []);
    assert.ok(validate(value), JSON.stringify(validate.errors));
  });

  it('explains itself: most lines of the template are comments', () => {
    const lines = profileTemplate('x').split('\n').filter((l) => l.trim() !== '');
    const comments = lines.filter((l) => l.trim().startsWith('//')).length;
    assert.ok(comments >= lines.length / 2, `${comments} comment lines of ${lines.length}`);
  });
});
