/**
 * The one option that says where images the model's code produced go back to the model, with one
 * default on every entry (chat and one-shot on both APIs, `sandboxAsCallableTool`, Live), and its
 * deprecated boolean name.
 */
import { refuseBothNames } from './renamed-option.js';

/**
 * Where images a `run_python` run produced (matplotlib figures, `display()`ed images) go when its
 * result is sent back to the model. The transcript shows them in every case.
 *
 * - `'inside'`: inside the function response (`functionResponse.parts`; on the Interactions API,
 *   image blocks of the `function_result`): multimodal function responses, which Gemini 3 models
 *   take. A model that refuses them fails the request.
 * - `'after'`: as ordinary image input right after the function responses (`inlineData` parts of
 *   the same user turn; on the Interactions API, a `user_input` step after the `function_result`
 *   steps), which every model takes.
 * - `'auto'` (the default everywhere): as much as the entry can send without risking the
 *   conversation. Where a refusal comes back as an error and the request can be sent again (the
 *   chat and the one-shot form, on both APIs), that is `'inside'`, and a request the API refuses
 *   with HTTP 400 is sent once more in the `'after'` shape, which the chat keeps from then on.
 *   Where nothing can be sent again it is what cannot be refused: `'after'` for
 *   `sandboxAsCallableTool` (the SDK sends those requests itself), and on Live (see
 *   `LiveCodeExecutionOptions.images`) no image at all, only their number.
 */
export type ImagesOption = 'auto' | 'inside' | 'after';

/** The default of every entry's `images` option. */
const DEFAULT_IMAGES = 'auto' satisfies ImagesOption;

/**
 * The caller's `images`, checked, from it or from the deprecated `multimodalFunctionResponse`
 * (`true` is `'inside'`, `false` is `aliasFalse`), else {@link DEFAULT_IMAGES}.
 *
 * @throws {TypeError} both names given, a value not in `allowed`, or an alias that is not a boolean.
 */
export function resolveImages<T extends ImagesOption>(
  options: { images?: unknown; multimodalFunctionResponse?: unknown },
  allowed: readonly T[],
  aliasFalse: T,
): T {
  const { images, multimodalFunctionResponse: alias } = options;
  refuseBothNames({ name: 'images', value: images }, { name: 'multimodalFunctionResponse', value: alias });
  if (alias !== undefined) {
    if (typeof alias !== 'boolean') throw new TypeError(`multimodalFunctionResponse must be true or false; got ${JSON.stringify(alias)}`);
    return alias ? ('inside' as T) : aliasFalse;
  }
  if (images === undefined) return DEFAULT_IMAGES as T;
  if (!(allowed as readonly unknown[]).includes(images))
    throw new TypeError(`images must be ${allowed.map((value) => `"${value}"`).join(' or ')}; got ${JSON.stringify(images)}`);
  return images as T;
}
