/**
 * Blob URLs for downloads, created once per blob and revoked together (when the transcript is
 * cleared or the element disconnects), so long sessions do not leak memory.
 */
import type { Blob as GenAIBlob } from '@google/genai';
import { base64ToBytes } from '../sandbox/files/base64.js';

export class BlobUrls {
  private readonly urls = new Map<GenAIBlob, string>();

  /** The URL for `blob` (same object, same URL). */
  urlFor = (blob: GenAIBlob): string => {
    let url = this.urls.get(blob);
    if (!url) {
      const bytes = base64ToBytes(blob.data ?? '');
      // Always a download type: an HTML or SVG blob URL opened in a tab would run as this page's
      // origin (where an opted-in API key lives), and the bytes come from untrusted code.
      url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      this.urls.set(blob, url);
    }
    return url;
  };

  revokeAll(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}
