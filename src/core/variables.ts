/**
 * `${...}` variables in .wsprofile strings: finding them while a profile is parsed, and replacing
 * them with values when a connection opens or a saved message is sent. The forms are part of the
 * public .wsprofile format:
 *
 *   ${env:NAME}          the environment variable NAME
 *   ${secret:KEY}        the secret stored under KEY (VS Code's secret storage, never the file)
 *   ${input:Prompt text} asks the person, showing "Prompt text"
 *   ${uuid}              a new random UUID (version 4) for every occurrence
 *   ${timestamp}         milliseconds since 1970-01-01T00:00:00Z as a decimal string, e.g.
 *                        "1767225600000"; the same value for every occurrence in one string
 *   $${                  a literal "${" (so a message can contain a template of its own)
 */
import { randomUUID } from 'node:crypto';
import { RestrictedModeError } from './restrictedModeError';

export type VariableKind = 'env' | 'secret' | 'input' | 'uuid' | 'timestamp';

export interface VariableRef {
  readonly kind: VariableKind;
  /** NAME, KEY or the prompt text; '' for uuid and timestamp. */
  readonly name: string;
  /** the whole "${...}" text */
  readonly raw: string;
  /** Where `raw` starts in the searched text (UTF-16 code units). */
  readonly offset: number;
}

/**
 * Supplies env, secret and input values (the VS Code adapter injects one backed by SecretStorage
 * and input boxes); undefined = cannot resolve. uuid and timestamp are resolved by core itself.
 */
export type VariableResolver = (ref: VariableRef) => Promise<string | undefined>;

/** Something in a string that looks like a variable but is not one of the known forms. */
export interface VariableProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

/** The forms, as listed in messages that tell a person what they may write. */
export const KNOWN_VARIABLE_FORMS = '${env:NAME}, ${secret:KEY}, ${input:Prompt text}, ${uuid}, ${timestamp}';

const ESCAPE = '$${';

/** A variable that the resolver could not supply a value for. */
export class UnresolvedVariableError extends Error {
  constructor(
    readonly ref: VariableRef,
    /** The profile field the variable is in, e.g. "headers.Authorization". */
    readonly field: string,
  ) {
    super(`${field}: ${ref.raw} has no value. ${howToSupply(ref)}`);
    this.name = 'UnresolvedVariableError';
  }
}

/** A string that cannot be resolved because it has a malformed or unknown `${...}`. */
export class VariableSyntaxError extends Error {
  constructor(
    readonly field: string,
    readonly problems: readonly VariableProblem[],
  ) {
    super(`${field}: ${problems.map((p) => p.message).join(' ')}`);
    this.name = 'VariableSyntaxError';
  }
}

function howToSupply(ref: VariableRef): string {
  switch (ref.kind) {
    case 'env':
      return `Set the environment variable ${ref.name}; VS Code sees the environment it was started from, so restart it afterwards.`;
    case 'secret':
      return `Store the secret "${ref.name}" first; secrets live in VS Code's secret storage, never in the profile.`;
    case 'input':
      return `The prompt "${ref.name}" was dismissed; connect again and answer it.`;
    case 'uuid':
    case 'timestamp':
      // Core supplies these itself, so this cannot happen; say so rather than guess.
      return 'This variable is supplied by WebSocket Inspector itself; please report this as a bug.';
    default: {
      const unknown: never = ref.kind;
      return `Unknown variable kind ${String(unknown)}.`;
    }
  }
}

/**
 * Every variable in `text`, and every `${...}` that is not a known form. A `$${` is a literal
 * "${" and starts no variable.
 */
export function findVariables(text: string): { refs: VariableRef[]; problems: VariableProblem[] } {
  const refs: VariableRef[] = [];
  const problems: VariableProblem[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('$', from);
    if (at < 0) break;
    if (text.startsWith(ESCAPE, at)) {
      from = at + ESCAPE.length;
      continue;
    }
    if (!text.startsWith('${', at)) {
      from = at + 1;
      continue;
    }
    const close = text.indexOf('}', at + 2);
    if (close < 0) {
      const rest = text.slice(at);
      problems.push({
        message: `${shorten(rest)} is not closed: add "}". Known forms: ${KNOWN_VARIABLE_FORMS} (write $\${ for a literal "\${").`,
        offset: at,
        length: rest.length,
      });
      break;
    }
    const raw = text.slice(at, close + 1);
    const parsed = parseBody(text.slice(at + 2, close), raw);
    if (typeof parsed === 'string') {
      problems.push({ message: parsed, offset: at, length: raw.length });
    } else {
      refs.push({ ...parsed, raw, offset: at });
    }
    from = close + 1;
  }
  return { refs, problems };
}

/** The kind and name of `${body}`, or a message saying what is wrong with it. */
function parseBody(body: string, raw: string): { kind: VariableKind; name: string } | string {
  const unknown = `Unknown variable ${shorten(raw)}. Known forms: ${KNOWN_VARIABLE_FORMS} (write $\${ for a literal "\${").`;
  if (body.includes('${')) {
    return `${shorten(raw)}: variables cannot be nested. Known forms: ${KNOWN_VARIABLE_FORMS}.`;
  }
  const colon = body.indexOf(':');
  const kind = colon < 0 ? body : body.slice(0, colon);
  const name = colon < 0 ? '' : body.slice(colon + 1);
  switch (kind) {
    case 'env':
    case 'secret':
    case 'input':
      if (name === '') {
        const example = kind === 'env' ? '${env:NAME}' : kind === 'secret' ? '${secret:KEY}' : '${input:Prompt text}';
        return `${raw} needs a name after "${kind}:", e.g. ${example}.`;
      }
      return { kind, name };
    case 'uuid':
    case 'timestamp':
      return colon < 0 ? { kind, name: '' } : `${shorten(raw)}: \${${kind}} takes nothing after it; write \${${kind}}.`;
    default:
      return unknown;
  }
}

/**
 * `text` with every variable replaced by its value and every `$${` by "${". Values are inserted as
 * they are (a value containing "${" is not resolved again). Throws VariableSyntaxError for an
 * unknown form and UnresolvedVariableError when the resolver has no value, so the result never
 * contains an unresolved variable.
 */
export async function resolveTemplate(text: string, field: string, resolver: VariableResolver): Promise<string> {
  return (await resolveTemplateParts(text, field, resolver)).map((part) => ('literal' in part ? part.literal : part.value)).join('');
}

/** A piece of a resolved template: literal text (with `$${` already read as "${"), or a variable and its value. */
export type TemplatePart = { readonly literal: string } | { readonly ref: VariableRef; readonly value: string };

/**
 * `text` as its literal pieces and its variables with their values, in order, for a caller that
 * puts values in differently depending on where they stand (a URL's parts); resolveTemplate joins them.
 * Throws as resolveTemplate does.
 */
export async function resolveTemplateParts(text: string, field: string, resolver: VariableResolver): Promise<TemplatePart[]> {
  const { refs, problems } = findVariables(text);
  if (problems.length > 0) {
    throw new VariableSyntaxError(field, problems);
  }
  // One timestamp per string, so a message that repeats ${timestamp} stays self-consistent.
  const timestamp = String(Date.now());
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const ref of refs) {
    if (ref.offset > last) parts.push({ literal: unescapeLiteral(text.slice(last, ref.offset)) });
    parts.push({ ref, value: await valueOf(ref, field, resolver, timestamp) });
    last = ref.offset + ref.raw.length;
  }
  if (text.length > last) parts.push({ literal: unescapeLiteral(text.slice(last)) });
  return parts;
}

async function valueOf(ref: VariableRef, field: string, resolver: VariableResolver, timestamp: string): Promise<string> {
  if (ref.kind === 'uuid') return randomUUID();
  if (ref.kind === 'timestamp') return timestamp;
  let value: string | undefined;
  try {
    value = await resolver(ref);
  } catch (err) {
    // A refusal says why and how to lift it; say where, too.
    if (err instanceof RestrictedModeError) throw new RestrictedModeError(err.what, `${field}: ${err.message}`);
    throw err;
  }
  if (value === undefined) {
    throw new UnresolvedVariableError(ref, field);
  }
  return value;
}

/** Literal text between variables: `$${` stands for "${". */
function unescapeLiteral(literal: string): string {
  return literal.split(ESCAPE).join('${');
}

/** Resolves `${env:NAME}` from process.env only; secrets and inputs have no value (tests, CLI). */
export const processEnvResolver: VariableResolver = async (ref) => (ref.kind === 'env' ? process.env[ref.name] : undefined);

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
