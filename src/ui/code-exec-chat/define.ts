/** Registers `<code-exec-chat>` and the elements it renders. Its tag's type is declared with the published types (`widget-api.ts`). */
import '../cec-composer/define.js';
import '../cec-demo-picker/define.js';
import '../cec-key-form/define.js';
import '../cec-load-progress/define.js';
import '../cec-settings/define.js';
import { drawChartsWith } from '../../sandbox/charts/run-images.js';
import { liveChartsDrawn, loadChartView } from '../charts/load-chart-view.js';
import { CodeExecChat } from './code-exec-chat.js';

export { CodeExecChat };
// The model sees each chart as a PNG, drawn by the chart chunk (loaded by the first chart) once
// the page's live charts are drawn: the reader sees them first.
drawChartsWith(async (chart) => {
  await liveChartsDrawn();
  return (await loadChartView()).chartPicture(chart);
});
if (!customElements.get('code-exec-chat')) customElements.define('code-exec-chat', CodeExecChat);
