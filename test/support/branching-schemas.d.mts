export interface BranchingTool {
  name: string;
  inputSchema: Record<string, unknown>;
  /** Python keyword arguments that fit the schema. */
  args: string;
}
export const LINKS: number;
export const BRANCHING_TOOLS: BranchingTool[];
export const PLAIN_TOOL: BranchingTool;
export function cellCalling(tools: readonly BranchingTool[], prefix?: string): string;
