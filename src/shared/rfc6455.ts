/**
 * Numbers RFC 6455 fixes, declared once for the host and the webview alike: the payload limits of
 * control frames (section 5.5) and the close codes it defines (section 7.4.1, with IANA's
 * 1012-1014). What each code means, and which may be sent, is in core/closeCodes.ts.
 */

/** Section 5.2: a payload length of 0-125 fits the 7-bit length field; 126 and 127 announce a 16- or 64-bit length. */
export const MAX_7BIT_PAYLOAD_LENGTH = 125;

/** Section 5.5: a control frame (close, ping, pong) carries at most 125 bytes of payload. */
export const MAX_CONTROL_PAYLOAD_BYTES = 125;

/** Section 5.5.1: a close frame's payload starts with a 2-byte code; the UTF-8 reason gets the rest. */
export const MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD_BYTES - 2;

/** Section 7.4.1: the connection did what it was opened for. */
export const CLOSE_NORMAL = 1000;
/** Section 7.4.1: the endpoint is going away (a server shutting down, a page left, the inspector closed). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_UNSUPPORTED_DATA = 1003;
/** Section 7.4.1: reserved, with no meaning yet; never sent. */
export const CLOSE_RESERVED = 1004;
/** Section 7.4.1: reported locally when a close frame has no code; never sent. */
export const CLOSE_NO_STATUS = 1005;
/** Section 7.4.1: reported locally when the connection ends without a close frame; never sent. */
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_INVALID_PAYLOAD = 1007;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_MESSAGE_TOO_BIG = 1009;
export const CLOSE_MANDATORY_EXTENSION = 1010;
export const CLOSE_INTERNAL_ERROR = 1011;
/** 1012-1014 are registered by IANA in the WebSocket Close Code Number Registry, not by RFC 6455 itself. */
export const CLOSE_SERVICE_RESTART = 1012;
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const CLOSE_BAD_GATEWAY = 1014;
/** Section 7.4.1: reported locally when the TLS handshake fails; never sent. */
export const CLOSE_TLS_HANDSHAKE = 1015;
