import type { Word } from './ir';
import { literalWord } from './ir';

/**
 * `powershell -EncodedCommand <base64>` runs a command written as base64 of UTF-16LE text, the
 * classic way to hide what a PowerShell line does. The text is decoded so the rules see the command,
 * and the line is marked as hidden on purpose. PowerShell accepts any prefix of a parameter name
 * (`-e`, `-enc`) and the alias `-ec`.
 */
export function encodedPowershellCommand(args: readonly Word[]): { readonly source: string; readonly words: readonly Word[] } | undefined {
  const at = args.findIndex((word) => /^[-/](e|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand|ec)$/i.test(word.value));
  const payload = at === -1 ? undefined : args[at + 1];
  if (!payload || payload.dynamic || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload.value)) return undefined;
  const source = utf16le(atob(payload.value)).replace(/\0/g, '');
  return source.trim() === '' ? undefined : { source, words: [literalWord(source)] };
}

function utf16le(bytes: string): string {
  let text = '';
  for (let at = 0; at + 1 < bytes.length; at += 2) text += String.fromCharCode(bytes.charCodeAt(at) | (bytes.charCodeAt(at + 1) << 8));
  return text;
}
