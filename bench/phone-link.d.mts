/** Types of phone-link.mjs, for its tests. */
export interface PhoneLink {
  origin: string;
  bytesDown(): number;
  takeLog(): Array<{ path: string; bytes: number; startMs: number; endMs?: number }>;
  close(): Promise<void>;
}
export function startPhoneLink(targetPort: number, link: { downBytesPerSecond: number; upBytesPerSecond: number; rttMs: number }): Promise<PhoneLink>;
