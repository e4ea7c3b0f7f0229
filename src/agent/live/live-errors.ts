/** Why a Live session could not be opened, as a kind of the library's one error family. */
import { CodeExecutionError } from '../../common/errors.js';

/**
 * The server refused a Live session's setup (the message says why: a TEXT modality, a wrong API
 * version…) or did not answer it within `limits.setupTimeoutMs`. `code: 'live-connect'`; recognise it
 * with `LiveConnectError.isInstance(error)`.
 */
export class LiveConnectError extends CodeExecutionError {
  static override readonly kind: string = 'LiveConnectError';
  override name = 'LiveConnectError';
  /** The server's close code, where it closed the socket. */
  readonly closeCode: number | undefined;

  constructor(reason: string, closeCode?: number) {
    super(`The Live session could not be opened: ${reason}`, { code: 'live-connect' });
    this.closeCode = closeCode;
  }
}
