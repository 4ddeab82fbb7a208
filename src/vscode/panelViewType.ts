/**
 * The session panel's webview type. SessionPanel (in the engine bundle) creates panels of it, and
 * the serializer (in the activation bundle) restores them; package.json's onWebviewPanel activation
 * event names it too. A constant in its own module, so neither bundle pulls in the other's code for it.
 */
export const PANEL_VIEW_TYPE = 'wsInspector.sessionPanel';
