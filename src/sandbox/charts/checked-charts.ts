/**
 * A run's charts checked before anyone sees them (check-chart.ts), with the check's code loaded by
 * the first run that makes a chart: a page whose runs make none never downloads it. The widget's
 * build takes it from the chart chunk (dist/widget-chart.js), which a chart needs anyway.
 */
import type { WorkerRunResult } from '../../shared/protocol.js';

type CheckModule = Pick<typeof import('./check-chart.js'), 'checkCharts'>;

/** The check's module (a chunk of its own, or the widget's chart chunk). */
const loadCheck = (): Promise<CheckModule> => import('./check-chart.js');

/**
 * The answer with its charts as checked (`checkCharts`) and a line in its output for each chart
 * refused or changed. When the check cannot load (a chunk not deployed, a page gone offline before
 * it was cached), every chart is refused, with that said: none reaches a renderer unchecked.
 */
export async function withCheckedCharts(answer: WorkerRunResult, load: () => Promise<CheckModule> = loadCheck): Promise<WorkerRunResult> {
  if (answer.charts.length === 0) return answer;
  let checked: { charts: WorkerRunResult['charts']; notes: string };
  try {
    checked = (await load()).checkCharts(answer.charts);
  } catch (error) {
    const why = `the chart check could not be loaded (${String((error as Error)?.message ?? error).slice(0, 200)})`;
    checked = { charts: [], notes: answer.charts.map((_, index) => `[chart ${index + 1} refused: ${why}]\n`).join('') };
  }
  if (!checked.notes) return { ...answer, charts: checked.charts };
  const sep = (text: string) => (text && !text.endsWith('\n') ? '\n' : '');
  const { output, stderr } = answer;
  return { ...answer, charts: checked.charts, output: output + sep(output) + checked.notes, stderr: stderr + sep(stderr) + checked.notes };
}
