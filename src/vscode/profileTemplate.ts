/**
 * The text of a new .wsprofile: every line commented so a person sees what each field is for,
 * and valid as it stands (the parser reports no problem; the schema accepts it).
 */

/**
 * `name` is written as a JSON string, so quotes and backslashes are safe; a name cannot hold
 * variables (the parser refuses `${` there, even as `$${`), so `${` loses its `$`.
 */
export function profileTemplate(name: string): string {
  const safeName = name.replace(/\$\{/g, '{');
  return `// A saved WebSocket endpoint (JSON with comments; trailing commas are fine).
// Connect it with "Connect" above, the button in the editor title, or
// "WebSocket: Connect WebSocket" in the command palette.
// Hover a field for its description; Ctrl+Space lists the fields not written yet
// (origin, perMessageDeflate, handshakeTimeoutMs, followRedirects, proxy, tls, ...).
{
  // Shown as the title of the session's panel.
  "name": ${JSON.stringify(safeName)},

  // ws:// or wss://. Variables work here, in header values, "origin" and message data:
  // \${env:NAME}, \${secret:KEY} (asked for once, kept in VS Code's secret storage),
  // \${input:Prompt}, \${uuid}, \${timestamp}.
  "url": "ws://127.0.0.1:8080/",

  // Extra headers of the opening handshake, for example
  // "Authorization": "Bearer \${secret:token}"
  "headers": {},

  // Subprotocols to offer in Sec-WebSocket-Protocol, the preferred one first.
  "subprotocols": [],

  // Ping every pingIntervalMs and drop the connection when no pong comes within pongTimeoutMs:
  // "keepAlive": { "pingIntervalMs": 20000, "pongTimeoutMs": 5000 },

  // Reconnect automatically after an unexpected close, with exponential backoff.
  "reconnect": { "enabled": false, "maxAttempts": 5, "initialDelayMs": 1000, "maxDelayMs": 30000 },

  // Messages to send with one click from the panel. "type" is text, json or binary
  // (binary "data" in "encoding": hex or base64); "file" sends a file's bytes instead of "data".
  "messages": [
    { "name": "hello", "type": "text", "data": "hello at \${timestamp}" }
  ],

  // Names of messages to send as soon as the connection opens, in order.
  "onOpen": []
}
`;
}
