/** Types of cpu-throttle.mjs, for its tests. */
export const PERIOD_MS: number;
export function rendererPids(rootPid: number, known?: Map<string, { ppid: string; renderer: boolean }>): number[];
export function browserPid(tag: string): number;
export function continueRenderers(rootPid: number): void;
export interface CpuThrottleStats {
  cycles: number;
  /** Share of the time the renderers were stopped (wanted: 1 − 1/factor). */
  stoppedShare: number;
  /** Mean wall time of a running part (ms): above the nominal period ÷ factor when wake-ups come late or /proc is slow to scan. */
  meanRunMs: number;
  maxRenderers: number;
  /** Whether the cycler got the highest scheduling priority (nice −20). */
  niced: boolean;
}
export function startCpuThrottle(options: { rootPid: number; factor: number; periodMs?: number }): Promise<{ stop(): Promise<CpuThrottleStats | undefined> }>;
