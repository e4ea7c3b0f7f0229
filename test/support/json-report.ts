/**
 * vitest's JSON report, with the error of a failed hook in a describe block: vitest keeps a file's
 * message only for errors at the file's own level, so a `beforeAll` that failed inside `describe`
 * left `(the file itself)` in scripts/test-summary.mjs with no message, and its tests skipped.
 */
import { JsonReporter, type TestModule } from 'vitest/node';

/** The first error of a describe block in `module`, named by its blocks. */
function firstSuiteError(module: TestModule): string | undefined {
  for (const suite of module.children.allSuites()) {
    const [error] = suite.errors();
    if (error) return `${suite.fullName}: ${error.message}`;
  }
  return undefined;
}

export default class JsonReportWithSuiteErrors extends JsonReporter {
  private modules: readonly TestModule[] = [];

  override async onTestRunEnd(...args: Parameters<JsonReporter['onTestRunEnd']>): Promise<void> {
    this.modules = args[0];
    await super.onTestRunEnd(...args);
  }

  override async writeReport(report: string): Promise<void> {
    const parsed = JSON.parse(report) as { testResults?: { name: string; status: string; message: string }[] };
    for (const file of parsed.testResults ?? []) {
      if (file.status !== 'failed' || file.message) continue;
      const module = this.modules.find((each) => each.moduleId === file.name);
      const found = module && firstSuiteError(module);
      if (found) file.message = found;
    }
    await super.writeReport(JSON.stringify(parsed));
  }
}
