/** `https` for the bundled ws, minus VS Code's patch of `https.request`: see unpatchedHttp.ts. */
import * as http from 'node:http';
import * as https from 'node:https';

export * from 'node:https';

export function request(options: https.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest {
  // What https.request adds to a ClientRequest: the https default agent (its protocol and port 443).
  return new http.ClientRequest({ _defaultAgent: https.globalAgent, ...options } as http.ClientRequestArgs, callback);
}

export function get(options: https.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest {
  const req = request(options, callback);
  req.end();
  return req;
}
