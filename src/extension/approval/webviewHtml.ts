import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The page of one of Airlock's webviews: a strict CSP (nothing by default; only the bundle's script,
 * by nonce, and the bundle's stylesheet, no inline anything), the script and stylesheet from the bundle
 * folder, and nothing else. The nonce comes from `crypto.randomBytes`, never `Math.random()`.
 */
export function webviewHtml(webview: vscode.Webview, bundleRoot: vscode.Uri, name: string, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, `${name}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, `${name}.css`));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="root" aria-live="polite"><p>Loading…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
