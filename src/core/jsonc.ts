/**
 * Reads JSON that may hold comments and trailing commas, as VS Code's and Claude's settings files may.
 * Strings are copied as they are, so `//` inside a URL stays.
 */
export function parseJsonc(text: string): unknown {
  let out = '';
  let index = 0;
  const body = text.replace(/^\uFEFF/, '');
  while (index < body.length) {
    const char = body[index] as string;
    if (char === '"') {
      let end = index + 1;
      while (end < body.length && body[end] !== '"') end += body[end] === '\\' ? 2 : 1;
      out += body.slice(index, end + 1);
      index = end + 1;
    } else if (char === '/' && body[index + 1] === '/') {
      while (index < body.length && body[index] !== '\n') index++;
    } else if (char === '/' && body[index + 1] === '*') {
      const end = body.indexOf('*/', index + 2);
      index = end < 0 ? body.length : end + 2;
    } else {
      out += char;
      index++;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1')) as unknown;
}
