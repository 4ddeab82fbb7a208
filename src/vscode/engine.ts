/**
 * The entry point of the second bundle, dist/engine.js: everything that connecting, parsing a
 * profile or showing a live session needs, and registering commands, views and providers does not
 * (the profile parser, the session with ws, the event store, the wire decoder, the session panel).
 * The activation bundle reaches it only through loadEngine(), on first use, so activating the
 * extension does not read, compile or run it. Every value the adapter takes from src/core goes
 * through here: a module in both bundles would be two copies, and errors from one copy would fail
 * `instanceof` in the other (variables.ts and profile.ts check RestrictedModeError that way).
 */
export { connectFailureNotice, profileProblemsNotice } from '../core/connectFailureNotice';
export { checkEndpointUrl } from '../core/endpointUrl';
export { parseProfile } from '../core/profile';
export { sessionOptionsFromProfile } from '../core/profileSession';
export { emptiedCredentialParameters, withoutQueryCredentials } from '../core/queryCredentials';
export { isRestrictedModeRefusal, restrictedReads, restrictProfileFileReader, restrictResolver } from '../core/restrictedMode';
export { WebSocketSession } from '../core/session';
export { sweepStaleSpillFiles } from '../core/spillFile';
export { displayUrlString, hasUrlCredentials, HIDDEN_CREDENTIAL, hideUrlCredentials } from '../core/urlCredentials';
export { SessionChannel, SessionPanel } from './sessionPanel';
