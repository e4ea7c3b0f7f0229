/**
 * axe-core 4.14 in a page of any engine (the drivers have no script-tag injection): evaluated in
 * the page, run over the whole document (it walks open shadow roots by itself).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Driver } from './drivers.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe in the page (loading it first) and returns its violations of impact moderate or above, spelled out. */
export async function violations(page: Driver): Promise<string[]> {
  return page.evaluate(async (source: string) => {
    type AxeResult = { violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[] };
    const w = window as unknown as { axe?: { run(context: Document, options: object): Promise<AxeResult> } };
    if (!w.axe) (0, eval)(source);
    const result = await w.axe!.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => ['moderate', 'serious', 'critical'].includes(v.impact))
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} ${v.nodes
            .slice(0, 3)
            .map((n) => JSON.stringify(n.target))
            .join(' ')}`,
      );
  }, AXE_SOURCE);
}
