/** Types of cpu-throttle.mjs, for its tests. */
export const PERIOD_MS: number;
export function rendererPids(rootPid: number, known?: Map<string, { ppid: string; renderer: boolean }>): number[];
export function browserPid(tag: string): number;
export function continueRenderers(rootPid: number): void;
export interface CpuThrottleStats {
  cycles: number;
  /** Share of the time the renderers were stopped (wanted: 1 − 1/factor). */
  stoppedShare: number;
  maxRenderers: number;
}
export function startCpuThrottle(options: { rootPid: number; factor: number; periodMs?: number }): Promise<{ stop(): Promise<CpuThrottleStats | undefined> }>;
