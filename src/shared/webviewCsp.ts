/**
 * The Content-Security-Policy of every session webview, in one place so the webview tests serve
 * the page under the same rules. Nothing remote loads, no script runs without the load's nonce,
 * and nothing can be submitted or re-based: payloads are only ever set as text, and this is the
 * second wall behind that.
 */
export function webviewContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    // Neither a form nor a <base> element may send the page's data anywhere or re-point its URLs.
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}
