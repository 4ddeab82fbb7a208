/**
 * Every notification the extension shows goes through here, so its text passes the one sanitizer
 * (shared/notificationText.ts): a workspace file or a server can put text into a message, and
 * VS Code turns link syntax in a notification into a link that runs a command.
 */
import * as vscode from 'vscode';
import { notificationText } from '../shared/notificationText';

export function showError<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showErrorMessage(notificationText(message), ...actions);
}

export function showWarning<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showWarningMessage(notificationText(message), ...actions);
}

export function showInfo<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showInformationMessage(notificationText(message), ...actions);
}

/** Modal dialogs show their detail as plain text, so it may be longer; it is cleaned the same way. */
const MODAL_DETAIL_MAX_LENGTH = 2000;

export function showModalWarning<T extends string>(message: string, detail: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showWarningMessage(notificationText(message), { modal: true, detail: notificationText(detail, MODAL_DETAIL_MAX_LENGTH) }, ...actions);
}

/** A modal question (Cancel is added by VS Code). */
export function askModal<T extends string>(message: string, detail: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showInformationMessage(notificationText(message), { modal: true, detail: notificationText(detail, MODAL_DETAIL_MAX_LENGTH) }, ...actions);
}
