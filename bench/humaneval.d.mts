/** Types of humaneval.mjs, for the tests that read the same programs. */
export function humanEvalPrograms(): string[] | undefined;
