/**
 * The widget's recorded demos: the list its picker offers and the demo being played (its
 * recording, where it came from, the next message to send). It holds what the demos are and asks
 * its host to render when they change; the element decides what its conversation does with them.
 * (No lifecycle of its own, so not a Lit ReactiveController.)
 */
import type { ReactiveControllerHost } from 'lit';
import type { SentMessage } from '../replay/recorder.js';
import { type DemoListing, type Recording, attachmentBytes, loadRecording } from '../replay/recording.js';

/** A demo being played. `url` is absolute: its attachments' URLs are relative to it. */
export interface ActiveDemo {
  recording: Recording;
  url: string;
}

export class DemoController {
  /** The demos offered; empty without a list, or when the list could not be loaded. */
  list: DemoListing[] = [];
  /** The demo being played, if any. */
  active: ActiveDemo | undefined;

  constructor(private readonly host: Pick<ReactiveControllerHost, 'requestUpdate'>) {}

  /**
   * Loads the recording at `url` (relative to the page) and plays it from its first message.
   * @throws {Error} the recording could not be fetched or is not a recording (the message says which).
   */
  async play(url: string): Promise<Recording> {
    const absolute = new URL(url, document.baseURI).href;
    const recording = await loadRecording(absolute);
    this.active = { recording, url: absolute };
    this.host.requestUpdate();
    return recording;
  }

  /** Leaves the demo. */
  stop(): void {
    this.active = undefined;
    this.host.requestUpdate();
  }

  /**
   * The demo's next message after `sent` messages, with its attachments' bytes; undefined at the
   * end of the demo or outside one.
   * @throws {Error} an attachment could not be fetched.
   */
  async nextMessage(sent: number): Promise<SentMessage | undefined> {
    const demo = this.active;
    const next = demo?.recording.messages[sent];
    if (!demo || !next) return undefined;
    const attachments = await Promise.all((next.attachments ?? []).map(async (a) => ({ name: a.name, mimeType: a.mimeType, data: await attachmentBytes(a, demo.url) })));
    return { text: next.text, attachments };
  }

  /** Loads the list of demos to offer. The picker is optional: a list that fails to load offers none. */
  async loadList(url: string): Promise<void> {
    try {
      const absolute = new URL(url, document.baseURI);
      const response = await fetch(absolute);
      if (!response.ok) throw new Error(`Could not load the demo list (HTTP ${response.status})`);
      const list = (await response.json()) as DemoListing[];
      this.list = list.map((demo) => ({ ...demo, url: new URL(demo.url, absolute).href }));
    } catch {
      this.list = [];
    }
    this.host.requestUpdate();
  }
}
