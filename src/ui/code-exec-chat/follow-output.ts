/**
 * The transcript follows new output to the bottom, unless the reader has scrolled up to read;
 * content that grows after rendering (images decoding, fonts loading) is followed too. A Lit
 * reactive controller, so the element only says where the scroller is and when to follow again.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How close to the bottom (px) still counts as "at the bottom". */
const AT_BOTTOM_PX = 40;

export class FollowOutput implements ReactiveController {
  private following = true;
  private resizeObserver: ResizeObserver | undefined;

  /** @param scroller The scrolling element, once rendered; its first child is the growing column. */
  constructor(
    host: ReactiveControllerHost,
    private readonly scroller: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  /** Follows again from now on (a message was sent). */
  resume(): void {
    this.following = true;
  }

  /** The scroller's `scroll` listener: following stops while the reader is away from the bottom. */
  readonly onScroll = (event: Event): void => {
    const el = event.target as HTMLElement;
    this.following = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
  };

  hostUpdated(): void {
    this.follow();
    const column = this.scroller()?.firstElementChild;
    if (column && !this.resizeObserver) {
      this.resizeObserver = new ResizeObserver(() => this.follow());
      this.resizeObserver.observe(column);
    }
  }

  hostDisconnected(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
  }

  private follow(): void {
    const scroller = this.scroller();
    if (this.following && scroller) scroller.scrollTop = scroller.scrollHeight;
  }
}
