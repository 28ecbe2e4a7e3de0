import * as vscode from 'vscode';
import { AirlockExtension } from './airlockExtension';

/** Only wires things: one owner object holds every disposable (STYLE.md, rule 1). */
export function activate(context: vscode.ExtensionContext): AirlockExtension {
  try {
    const airlock = new AirlockExtension(context);
    context.subscriptions.push(airlock);
    return airlock;
  } catch (error) {
    void vscode.window.showErrorMessage(`Airlock failed to start: ${String(error)}`);
    throw error;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
