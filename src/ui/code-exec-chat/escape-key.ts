/**
 * Esc inside the widget, wherever focus is: the element says what it does (end the voice session,
 * stop the message in flight). An open dialog keeps its own Esc (it closes).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class EscapeKey implements ReactiveController {
  /** @param onEscape Does what Esc does now; false when there was nothing to do (the key goes on to the page). */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly onEscape: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.onKeyDown);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.onKeyDown);
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.composedPath().some((target) => target instanceof HTMLDialogElement && target.open)) return;
    if (this.onEscape()) event.preventDefault();
  };
}
