import { posixQuote, shellText } from './snippetText';

export type ZshStartupFile = '.zshenv' | '.zprofile' | '.zshrc' | '.zlogin';

/**
 * The startup files of a folder that stands in for the user's ZDOTDIR, so that every zsh a VS Code
 * terminal starts loads the guard: interactive shells (the accept-line widget, after the user's
 * .zshrc so nothing there can undo it) and `zsh -c` in shell tasks (.zshenv, before the command
 * runs). Each file first sources the user's own file of the same name from the user's folder, in
 * zsh's own order, with ZDOTDIR pointing there while it runs, as if this folder did not exist.
 *
 * VS Code's own zsh integration is a ZDOTDIR swap as well (vscode_api.md 1.2): it sets ZDOTDIR to its
 * folder and USER_ZDOTDIR to the ZDOTDIR the terminal was given, which is this one, and sources these
 * files as "the user's". So this folder sits between VS Code's and the user's: VS Code's files run,
 * then these, then the user's. Afterwards USER_ZDOTDIR is pointed at the user's folder, which is where
 * VS Code puts ZDOTDIR when it is done, so the interactive shell ends up with the user's ZDOTDIR and
 * history file, as without Airlock. `AIRLOCK_USER_ZDOTDIR` names the user's folder when it is not ~.
 */
export function zshStartupFiles(folder: string, guardFile: string): Record<ZshStartupFile, string> {
  const here = posixQuote(folder);
  const guard = posixQuote(guardFile);
  const head = shellText`# Airlock: this folder stands in for your ZDOTDIR so that zsh loads Airlock's shell guard
# (${guardFile}); your own startup files still load, from your own folder. Written by the extension.
`;
  // Sources the user's file of that name with ZDOTDIR at the user's folder, which it may move.
  const user = (name: string): string => shellText`ZDOTDIR=$__airlock_user_zdotdir
[[ -f $ZDOTDIR/${name} ]] && builtin source "$ZDOTDIR/${name}"
__airlock_user_zdotdir=$\{ZDOTDIR:-$HOME}
`;
  return {
    '.zshenv': shellText`${head}typeset -g __airlock_user_zdotdir=$\{AIRLOCK_USER_ZDOTDIR:-$HOME}
${user('.zshenv')}# zsh -c: the command is decided before it runs.
[[ -o interactive ]] || builtin source ${guard}
ZDOTDIR=${here}
`,
    '.zprofile': shellText`${head}${user('.zprofile')}ZDOTDIR=${here}
`,
    '.zshrc': shellText`${head}# VS Code points HISTFILE into the folder it was given (this one): the user's history is theirs.
[[ $HISTFILE == ${here}/.zsh_history ]] && HISTFILE=$__airlock_user_zdotdir/.zsh_history
${user('.zshrc')}builtin source ${guard}
# VS Code puts ZDOTDIR back to USER_ZDOTDIR once its integration is set up: the user's folder.
[[ -n $\{VSCODE_INJECTION-} ]] && USER_ZDOTDIR=$__airlock_user_zdotdir
# A login shell reads .zlogin from ZDOTDIR next (this folder's hands over); any other is done.
[[ -o login ]] && ZDOTDIR=${here}
`,
    '.zlogin': shellText`${head}${user('.zlogin')}`,
  };
}
