/** Turns the errors a connection attempt can end with into sentences that say what happened and what to change. */
import { CLOSE_INVALID_PAYLOAD, CLOSE_MESSAGE_TOO_BIG } from '../shared/rfc6455';

export interface ExplainedError {
  /** For the log: what happened, and where a fix is known, what to change. */
  readonly message: string;
  /** Short cause for a 1006 close: ECONNRESET, handshake timeout, TLS error... */
  readonly cause: string;
}

type NodeError = Error & { code?: string; hostname?: string; address?: string; port?: number };

/** TLS verification codes from OpenSSL/Node, and the profile setting that addresses each. */
const TLS_ADVICE: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server\'s certificate is self-signed. Add it (or the CA that issued it) to "tls.ca" in the profile, or set "tls.rejectUnauthorized": false to skip verification',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server\'s certificate chain ends in a self-signed CA that is not trusted. Add that CA to "tls.ca" in the profile, or set "tls.rejectUnauthorized": false to skip verification',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate that issued the server\'s certificate is not trusted. Add the CA to "tls.ca" in the profile',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the CA that issued the server\'s certificate is not trusted. Add the CA to "tls.ca" in the profile',
  CERT_HAS_EXPIRED: 'the server\'s certificate has expired. Renew it on the server, or set "tls.rejectUnauthorized": false in the profile to connect anyway',
  CERT_NOT_YET_VALID: 'the server\'s certificate is not valid yet (check the clocks). Set "tls.rejectUnauthorized": false in the profile to connect anyway',
  // OpenSSL cannot open the client's own key: the passphrase, not the server, is at fault.
  ERR_OSSL_BAD_DECRYPT: 'the client key in "tls.key" could not be decrypted: "tls.passphrase" is wrong for it, or missing (an encrypted key needs one; it can be a ${secret:…})',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server\'s certificate is for a different host name. Connect with the name the certificate names, or set "tls.rejectUnauthorized": false in the profile',
};

export function explainConnectionError(error: Error, endpoint: string): ExplainedError {
  const e = error as NodeError;
  const code = e.code ?? '';
  const advice = TLS_ADVICE[code];
  if (advice) {
    return { message: `TLS error (${code}): ${advice}.`, cause: `TLS error ${code}` };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { message: `Connection refused by ${e.address ?? ''}${e.port ? `:${e.port}` : ''} (ECONNREFUSED): nothing is listening at ${endpoint}.`, cause: 'ECONNREFUSED' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { message: `Unknown host "${e.hostname ?? endpoint}" (${code}): the name does not resolve. Check the URL's host name.`, cause: code };
    case 'ECONNRESET':
      return { message: `The connection was reset by the peer (ECONNRESET).`, cause: 'ECONNRESET' };
    case 'ETIMEDOUT':
      return { message: `The TCP connection timed out (ETIMEDOUT).`, cause: 'ETIMEDOUT' };
    case 'EPIPE':
      return { message: `The peer closed the connection while data was being written (EPIPE).`, cause: 'EPIPE' };
    default:
      break;
  }
  if (/Max payload size exceeded/.test(e.message)) {
    return { message: `${e.message}: a message was larger than "maxPayloadBytes" in the profile, so the connection was closed with ${CLOSE_MESSAGE_TOO_BIG} (message too big).`, cause: 'message too big' };
  }
  if (/invalid UTF-8/i.test(e.message)) {
    return { message: `${e.message}: the server sent a text message that is not valid UTF-8, so the connection was closed with ${CLOSE_INVALID_PAYLOAD} (RFC 6455 section 8.1).`, cause: 'invalid UTF-8' };
  }
  if (e.name === 'ProxyError') {
    return { message: e.message, cause: 'proxy error' };
  }
  const suffix = code && !e.message.includes(code) ? ` (${code})` : '';
  return { message: `${e.message}${suffix}`, cause: code || e.message };
}
