/**
 * Character checks for the line-oriented texts (signed notes, checkpoints). Written as a loop
 * rather than a regular expression because the characters in question are control characters,
 * which the lint rules rightly keep out of regex literals.
 */

/**
 * True when `text` has an ASCII control character (other than newline, if allowed), DEL, or a
 * lone UTF-16 surrogate, which has no UTF-8 form and would be signed as U+FFFD.
 */
export function hasUnsafeChars(text: string, allowNewline: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x0a || !allowNewline) return true;
    } else if (c === 0x7f) {
      return true;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}
