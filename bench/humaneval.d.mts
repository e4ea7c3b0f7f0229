/** Types of humaneval.mjs, for the tests that read the same programs. */
export function humanEvalPrograms(): string[] | undefined;
export function humanEvalRounds(create: unknown, programs: string[], rounds: number, log?: (line: string) => void): Promise<Record<'sandbox' | 'raw', Array<{ ms: number; round: number }>>>;
