/**
 * `http` for the bundled ws, minus VS Code's patch. The extension host replaces `http.request` so
 * that every request goes through its proxy agent, and an agent makes Node ignore the
 * `createConnection` option the session uses to tap the socket's bytes: the handshake and frames
 * would go unseen. The session does its own proxying (profile, http.proxy, environment), so ws
 * gets a request function that builds the ClientRequest directly. `tls.connect`, which VS Code
 * patches to add the system's certificates, is still the patched one. scripts/build.mjs points
 * ws's `require('http')` here.
 */
import * as http from 'node:http';

export * from 'node:http';

export function request(options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest {
  return new http.ClientRequest(options, callback);
}

export function get(options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest {
  const req = request(options, callback);
  req.end();
  return req;
}
