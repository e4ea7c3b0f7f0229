/** The chat's Settings dialog (`<cec-settings>`) as the element wires it: key, model, API, demos, recording, package index. */
import { html } from 'lit';
import type { GeminiApi } from '../../agent/index.js';
import type { ApiChangeEvent, ModelChangeEvent, PackageIndexChangeEvent } from '../cec-settings/events.js';
import type { PackageIndexChoice } from '../package-index-choice.js';
import type { ApiKeyController } from './api-key-controller.js';
import type { DemoController } from './demo-controller.js';

export interface SettingsPanelContext {
  hasKey: boolean;
  keys: Pick<ApiKeyController, 'remembered' | 'onKeySubmit' | 'onKeyForget'>;
  model: string;
  api: GeminiApi;
  demos: Pick<DemoController, 'active' | 'list' | 'onSelect'>;
  /** Whether the session can be saved as a demo (something was sent, on generateContent). */
  canRecord: boolean;
  /** The index offered, or undefined when the page turned it off. */
  packageIndex: string | undefined;
  indexChoice: PackageIndexChoice;
  onModel(model: string): void;
  onApi(api: GeminiApi): void;
  onSaveRecording(): void;
  /** The index choice changed (the element re-renders: the choice is not a reactive property). */
  onPackageIndexChange(): void;
}

export function renderSettingsPanel(ctx: SettingsPanelContext) {
  return html`
    <cec-settings
      ?has-key=${ctx.hasKey}
      .remembered=${ctx.keys.remembered}
      .model=${ctx.model}
      .api=${ctx.api}
      ?demo-playing=${ctx.demos.active !== undefined}
      .demos=${ctx.demos.list}
      ?can-record=${ctx.canRecord}
      @cec-key-submit=${ctx.keys.onKeySubmit}
      @cec-key-forget=${ctx.keys.onKeyForget}
      @cec-demo-select=${ctx.demos.onSelect}
      @cec-model-change=${(e: ModelChangeEvent) => ctx.onModel(e.detail.model)}
      @cec-api-change=${(e: ApiChangeEvent) => ctx.onApi(e.detail.api)}
      @cec-save-recording=${() => ctx.onSaveRecording()}
      package-index=${ctx.packageIndex ?? ''}
      ?package-index-on=${ctx.indexChoice.on}
      @cec-package-index-change=${(e: PackageIndexChangeEvent) => {
        ctx.indexChoice.set(e.detail.on);
        ctx.onPackageIndexChange();
      }}
    ></cec-settings>
  `;
}
