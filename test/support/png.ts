/** A valid 1×1 PNG, base64: the smallest image the sandbox, the agent and the UI pass around. */
export const PNG_1X1_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==';

/** Python that shows {@link PNG_1X1_BASE64} through `display()`: an image from a run, with no plotting library. */
export const DISPLAY_PNG_1X1_PY = `import base64\nclass Dot:\n    def _repr_png_(self): return base64.b64decode("${PNG_1X1_BASE64}")\ndisplay(Dot())`;

/** Width and height of a base64 PNG, read from its header (IHDR). */
export function pngSize(base64: string): { width: number; height: number } {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
