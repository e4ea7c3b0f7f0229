/**
 * Untrusted text placed inside Markdown as text: sandbox output quoted by a recorded answer, a
 * file name in a note. Code spans and fenced blocks are the Markdown that nothing inside can
 * leave: their fence is longer than any run of backticks in the text, and no HTML, link or
 * heading is parsed within.
 */

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** `text` as an inline code span, on one line (line breaks and other controls shown as spaces). */
export function literalInline(text: string): string {
  // A blank line would end the paragraph, and with it the span.
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(line) + 1);
  // The spaces keep a leading or trailing backtick off the fence (CommonMark strips one of each).
  return `${fence} ${line} ${fence}`;
}

/** `text` as a fenced code block, on lines of its own. */
export function literalBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `\n\n${fence}text\n${text.replace(/\r\n?/g, '\n').replace(/\n$/, '')}\n${fence}\n\n`;
}

/** Inline for one line, a block for several. */
export function literal(text: string): string {
  const trimmed = text.trim();
  return trimmed.includes('\n') ? literalBlock(trimmed) : literalInline(trimmed);
}
