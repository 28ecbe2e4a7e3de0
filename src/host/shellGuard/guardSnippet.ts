import { bashGuardSnippet } from './bashSnippet';
import { fishGuardSnippet } from './fishSnippet';
import type { GuardShell } from './guardProtocol';
import type { GuardSnippetOptions } from './snippetText';
import { zshGuardSnippet } from './zshSnippet';

/** The guard snippet for one shell; the CLI prints it and the extension writes it to a file. */
export function guardSnippet(shell: GuardShell, options: GuardSnippetOptions): string {
  switch (shell) {
    case 'bash':
      return bashGuardSnippet(options);
    case 'zsh':
      return zshGuardSnippet(options);
    case 'fish':
      return fishGuardSnippet(options);
  }
}
