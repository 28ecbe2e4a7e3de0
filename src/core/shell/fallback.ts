/**
 * A lenient tokenizer for text the real parser rejects (an unterminated quote, stray operators).
 * Bash would refuse to run such a line, but an agent's next attempt may differ by one character, and
 * the person deciding should see what the line was trying to do. It splits on operators outside
 * quotes and lets an unterminated quote run to the end.
 */
const OPERATORS = /^(\|\||&&|;;|[;|&\n(){}])/;

export function lenientCommands(text: string, maxCommands = 64): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0 && commands.length < maxCommands) commands.push(words);
    words = [];
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (char === '\\' && index + 1 < text.length) {
      word += text[++index];
      inWord = true;
    } else if (char === "'" || char === '"') {
      const close = text.indexOf(char, index + 1);
      const end = close === -1 ? text.length : close;
      word += text.slice(index + 1, end);
      inWord = true;
      index = end;
    } else if (/\s/.test(char) && char !== '\n') {
      endWord();
    } else if (OPERATORS.test(text.slice(index, index + 2))) {
      const operator = OPERATORS.exec(text.slice(index, index + 2))?.[0] ?? char;
      endCommand();
      index += operator.length - 1;
    } else if (char === '#' && !inWord) {
      const newline = text.indexOf('\n', index);
      index = newline === -1 ? text.length : newline - 1;
    } else {
      word += char;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}
