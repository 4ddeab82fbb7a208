import * as assert from 'node:assert/strict';
import {
  findVariables,
  KNOWN_VARIABLE_FORMS,
  processEnvResolver,
  resolveTemplate,
  UnresolvedVariableError,
  VariableSyntaxError,
  type VariableRef,
  type VariableResolver,
} from '../../../src/core/variables';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LITERAL_HINT = `Known forms: ${KNOWN_VARIABLE_FORMS} (write $\${ for a literal "\${").`;

/** A resolver the way the VS Code adapter is one: a lookup table for secrets and prompt answers. */
function tableResolver(secrets: Record<string, string>, inputs: Record<string, string> = {}): VariableResolver & { asked: VariableRef[] } {
  const asked: VariableRef[] = [];
  const resolver = async (ref: VariableRef): Promise<string | undefined> => {
    asked.push(ref);
    if (ref.kind === 'secret') return secrets[ref.name];
    if (ref.kind === 'input') return inputs[ref.name];
    return processEnvResolver(ref);
  };
  return Object.assign(resolver, { asked });
}

/** Sets a real environment variable for one test. */
function withEnv(name: string, value: string | undefined): () => void {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  return () => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  };
}

describe('findVariables', () => {
  it('finds every kind with its name, raw text and offset', () => {
    const text = 'a${env:HOME}b${secret:api token}${input:Your name?}${uuid}-${timestamp}';
    assert.deepEqual(findVariables(text), {
      refs: [
        { kind: 'env', name: 'HOME', raw: '${env:HOME}', offset: 1 },
        { kind: 'secret', name: 'api token', raw: '${secret:api token}', offset: 13 },
        { kind: 'input', name: 'Your name?', raw: '${input:Your name?}', offset: 32 },
        { kind: 'uuid', name: '', raw: '${uuid}', offset: 51 },
        { kind: 'timestamp', name: '', raw: '${timestamp}', offset: 59 },
      ],
      problems: [],
    });
  });

  it('treats $${ as a literal "${" and a lone $ as text', () => {
    assert.deepEqual(findVariables('cost: $5, $${env:HOME} and $$${uuid}'), {
      refs: [],
      problems: [],
    });
    assert.deepEqual(findVariables('$$ ${uuid}').refs.map((r) => r.offset), [3]);
  });

  it('reports unknown, malformed, nested and unclosed forms with their positions', () => {
    const text = '${foo} ${ENV:X} ${env:} ${uuid:1} ${env:${env:X}} ${secret:open';
    assert.deepEqual(findVariables(text), {
      refs: [],
      problems: [
        { message: `Unknown variable \${foo}. ${LITERAL_HINT}`, offset: 0, length: 6 },
        { message: `Unknown variable \${ENV:X}. ${LITERAL_HINT}`, offset: 7, length: 8 },
        { message: '${env:} needs a name after "env:", e.g. ${env:NAME}.', offset: 16, length: 7 },
        { message: '${uuid:1}: ${uuid} takes nothing after it; write ${uuid}.', offset: 24, length: 9 },
        { message: `\${env:\${env:X}: variables cannot be nested. Known forms: ${KNOWN_VARIABLE_FORMS}.`, offset: 34, length: 14 },
        { message: `\${secret:open is not closed: add "}". ${LITERAL_HINT}`, offset: 50, length: 13 },
      ],
    });
  });

  it('finds nothing in text without variables', () => {
    assert.deepEqual(findVariables('plain {text} with $ and }'), { refs: [], problems: [] });
  });
});

describe('resolveTemplate', () => {
  it('resolves env from the real process.env', async () => {
    const restore = withEnv('WSI_VARIABLES_TEST_HOST', 'example.test');
    try {
      assert.equal(await resolveTemplate('wss://${env:WSI_VARIABLES_TEST_HOST}/x', 'url', processEnvResolver), 'wss://example.test/x');
    } finally {
      restore();
    }
  });

  it('resolves secrets and inputs through the injected resolver', async () => {
    const resolver = tableResolver({ apiToken: 's3cr3t' }, { 'Your name': 'Ada' });
    assert.equal(await resolveTemplate('Bearer ${secret:apiToken} for ${input:Your name}', 'headers.Authorization', resolver), 'Bearer s3cr3t for Ada');
    assert.deepEqual(resolver.asked.map((r) => r.raw), ['${secret:apiToken}', '${input:Your name}']);
  });

  it('makes a new UUID for every ${uuid} and every call', async () => {
    const text = await resolveTemplate('${uuid} ${uuid}', 'data', processEnvResolver);
    const [a, b] = text.split(' ');
    assert.match(a, UUID);
    assert.match(b, UUID);
    assert.notEqual(a, b);
    assert.notEqual(await resolveTemplate('${uuid}', 'data', processEnvResolver), a);
  });

  it('writes ${timestamp} as milliseconds since the epoch, the same value within one string', async () => {
    const before = Date.now();
    const text = await resolveTemplate('${timestamp}/${timestamp}', 'data', processEnvResolver);
    const after = Date.now();
    const [a, b] = text.split('/');
    assert.match(a, /^\d+$/);
    assert.equal(a, b);
    assert.ok(Number(a) >= before && Number(a) <= after, `${a} is not between ${before} and ${after}`);
  });

  it('turns $${ into "${" and does not resolve variables inside values', async () => {
    const resolver = tableResolver({ tricky: '${env:HOME}' });
    assert.equal(await resolveTemplate('$${env:HOME} is literal; ${secret:tricky}', 'data', resolver), '${env:HOME} is literal; ${env:HOME}');
  });

  it('accepts an empty value', async () => {
    const restore = withEnv('WSI_VARIABLES_TEST_EMPTY', '');
    try {
      assert.equal(await resolveTemplate('[${env:WSI_VARIABLES_TEST_EMPTY}]', 'origin', processEnvResolver), '[]');
    } finally {
      restore();
    }
  });

  it('names the variable, the field and the fix when there is no value', async () => {
    const restore = withEnv('WSI_VARIABLES_TEST_UNSET', undefined);
    try {
      const cases: Array<[string, string, string]> = [
        ['${env:WSI_VARIABLES_TEST_UNSET}', 'url', 'url: ${env:WSI_VARIABLES_TEST_UNSET} has no value. Set the environment variable WSI_VARIABLES_TEST_UNSET; VS Code sees the environment it was started from, so restart it afterwards.'],
        ['Bearer ${secret:apiToken}', 'headers.Authorization', 'headers.Authorization: ${secret:apiToken} has no value. Store the secret "apiToken" first; secrets live in VS Code\'s secret storage, never in the profile.'],
        ['${input:Room}', 'origin', 'origin: ${input:Room} has no value. The prompt "Room" was dismissed; connect again and answer it.'],
      ];
      for (const [text, field, message] of cases) {
        await assert.rejects(resolveTemplate(text, field, processEnvResolver), (err: unknown) => {
          assert.ok(err instanceof UnresolvedVariableError);
          assert.equal(err.message, message);
          assert.equal(err.field, field);
          assert.equal(err.ref.raw, text.slice(text.indexOf('${')));
          return true;
        });
      }
    } finally {
      restore();
    }
  });

  it('refuses unknown forms instead of sending them', async () => {
    await assert.rejects(resolveTemplate('Bearer ${token}', 'headers.Authorization', processEnvResolver), (err: unknown) => {
      assert.ok(err instanceof VariableSyntaxError);
      assert.equal(err.message, `headers.Authorization: Unknown variable \${token}. ${LITERAL_HINT}`);
      return true;
    });
  });
});

describe('processEnvResolver', () => {
  it('has no secrets and no inputs', async () => {
    assert.equal(await processEnvResolver({ kind: 'secret', name: 'PATH', raw: '${secret:PATH}', offset: 0 }), undefined);
    assert.equal(await processEnvResolver({ kind: 'input', name: 'PATH', raw: '${input:PATH}', offset: 0 }), undefined);
    assert.equal(await processEnvResolver({ kind: 'env', name: 'PATH', raw: '${env:PATH}', offset: 0 }), process.env.PATH);
  });
});
