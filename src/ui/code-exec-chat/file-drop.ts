/**
 * Files dragged over the widget: an overlay says they can be dropped, and dropped files are
 * attached to the message being written. (No lifecycle of its own, so not a Lit ReactiveController.)
 */
import type { ReactiveControllerHost } from 'lit';
import type { CecComposer } from '../cec-composer/cec-composer.js';

export class FileDrop {
  /** Files are being dragged over the widget: the overlay shows. */
  dragging = false;

  constructor(
    private readonly host: Pick<ReactiveControllerHost, 'requestUpdate'>,
    private readonly composer: () => CecComposer | null,
  ) {}

  readonly onDragOver = (event: DragEvent): void => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.setDragging(true);
  };

  readonly onDragLeave = (): void => {
    this.setDragging(false);
  };

  readonly onDrop = (event: DragEvent): void => {
    event.preventDefault();
    this.setDragging(false);
    const files = event.dataTransfer?.files;
    if (files && files.length > 0) void this.composer()?.addFiles([...files]);
  };

  /** `dragover` fires many times a second while files are held over the widget: only a change renders. */
  private setDragging(dragging: boolean): void {
    if (dragging === this.dragging) return;
    this.dragging = dragging;
    this.host.requestUpdate();
  }
}
