/**
 * Where a run's images go when they are sent back to the model: inside `functionResponse.parts`
 * (multimodal function responses), or as ordinary `inlineData` parts after the responses in the
 * same user turn, which every model takes. Decided by what the API accepts, not by the model's
 * name (names change faster than a deployed page): inside by default, and when the API refuses a
 * request that carries function-response parts, that request is sent once more with the images
 * moved out, and the chat keeps the second shape from then on.
 */
import type { Content, Part } from '@google/genai';
import { isApiError } from './errors.js';
import type { ImagesOption } from './images-option.js';

/** A chat's image shape, shared by its messages: a fallback holds for the rest of the chat. */
export interface ResponseImages {
  /** Images go inside `functionResponse.parts`; false: after the responses. */
  inside: boolean;
  /** A refused request may be re-sent with the images moved out (`images: 'auto'` only). */
  readonly canFallBack: boolean;
}

/** The starting shape for the caller's `images` (`'auto'`: inside, falling back when refused). */
export function responseImages(option: ImagesOption): ResponseImages {
  return { inside: option !== 'after', canFallBack: option === 'auto' };
}

/**
 * Sends a request. If the API refuses it with 400 INVALID_ARGUMENT while `contents` carries
 * function-response parts, moves those parts out of every function response (in place:
 * `contents` must be the request's own array, which the caller keeps as the new history), sends
 * once more, and on success switches `images` to the fallback shape. Other failures, and a
 * failure of the second request, are thrown as they are.
 */
export async function sendWithImageFallback<T>(contents: Content[], images: ResponseImages, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!images.canFallBack || !isInvalidArgument(error) || !contents.some(hasResponseParts)) throw error;
    contents.splice(0, contents.length, ...contents.map(moveImagesOut));
    const result = await send();
    images.inside = false;
    return result;
  }
}

/** The API's 400 INVALID_ARGUMENT (the SDK's `ApiError` message is the error body as JSON). */
function isInvalidArgument(error: unknown): boolean {
  return isApiError(error) && error.status === 400 && error.message.includes('INVALID_ARGUMENT');
}

function hasResponseParts(content: Content): boolean {
  return content.role === 'user' && (content.parts ?? []).some((part) => (part.functionResponse?.parts?.length ?? 0) > 0);
}

/**
 * A user turn in the fallback shape: its function responses without `parts`, then their media
 * as ordinary parts (in response order), then the turn's other parts. A new object: the caller's
 * history is not changed. Other turns are returned as they are (model turns must stay verbatim).
 */
export function moveImagesOut(content: Content): Content {
  if (!hasResponseParts(content)) return content;
  const parts = content.parts ?? [];
  const responses: Part[] = [];
  const media: Part[] = [];
  for (const part of parts) {
    if (!part.functionResponse) continue;
    const { parts: inner = [], ...functionResponse } = part.functionResponse;
    responses.push({ ...part, functionResponse });
    for (const item of inner) {
      if (item.inlineData) media.push({ inlineData: item.inlineData });
      else if (item.fileData) media.push({ fileData: item.fileData });
    }
  }
  return { ...content, parts: [...responses, ...media, ...parts.filter((part) => !part.functionResponse)] };
}
