/** From a saved profile to a running session's options: the one place that maps the file format onto the engine. */
import type { EventStoreOptions } from './eventStore';
import { encodeSavedMessage, resolveProfile, type ReadFile, type WsProfile } from './profile';
import type { ProxySources } from './proxy';
import type { OutgoingMessage, SessionOptions } from './session';
import type { VariableResolver } from './variables';

export interface ProfileSessionContext {
  /** Supplies ${env:…}, ${secret:…} and ${input:…}. */
  readonly resolver: VariableResolver;
  /** Proxy settings outside the profile: the editor's http.proxy and the environment. */
  readonly proxy?: Omit<ProxySources, 'profile'>;
  readonly store?: EventStoreOptions;
  /** Reads the files the profile names (TLS files, saved messages' files); the disk by default (the adapter guards it in Restricted Mode). */
  readonly readFile?: ReadFile;
}

/** Resolves the profile's variables and files and returns what WebSocketSession needs. Throws ProfileResolveError / UnresolvedVariableError with a message for a person. */
export async function sessionOptionsFromProfile(profile: WsProfile, context: ProfileSessionContext): Promise<SessionOptions> {
  const resolved = await resolveProfile(profile, context.resolver, context.readFile);
  const byName = new Map(profile.messages.map((m) => [m.name, m]));
  const onOpen = profile.onOpen.length === 0
    ? undefined
    : async (): Promise<OutgoingMessage[]> => {
        const messages: OutgoingMessage[] = [];
        // Encoded at each open, so ${uuid} and ${timestamp} are fresh on every reconnect.
        for (const name of profile.onOpen) {
          const saved = byName.get(name);
          if (saved) messages.push(await encodeSavedMessage(saved, context.resolver, context.readFile));
        }
        return messages;
      };
  return {
    url: resolved.url,
    title: resolved.name,
    headers: resolved.headers,
    secrets: resolved.secrets,
    headersFromVariables: resolved.fromVariables,
    origin: resolved.origin,
    subprotocols: resolved.subprotocols,
    perMessageDeflate: resolved.perMessageDeflate,
    handshakeTimeoutMs: resolved.handshakeTimeoutMs,
    maxPayloadBytes: resolved.maxPayloadBytes,
    followRedirects: resolved.followRedirects,
    proxy: { ...context.proxy, profile: resolved.proxy },
    tls: resolved.tls,
    keepAlive: resolved.keepAlive,
    reconnect: resolved.reconnect,
    onOpen,
    store: context.store,
  };
}
