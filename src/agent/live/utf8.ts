/** UTF-8 sizes of JS strings, measured without encoding them. */

/** UTF-8 length without encoding (a surrogate pair counts 2 + 2). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

/** The longest prefix of `text` within `budget` UTF-8 bytes, not splitting a surrogate pair. */
export function cutToBytes(text: string, budget: number): string {
  if (budget <= 0) return '';
  if (text.length * 3 <= budget) return text;
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const unit = text.charCodeAt(end);
    const pair = unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length;
    const size = pair ? 4 : unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
    if (bytes + size > budget) break;
    bytes += size;
    end += pair ? 2 : 1;
  }
  return text.slice(0, end);
}
