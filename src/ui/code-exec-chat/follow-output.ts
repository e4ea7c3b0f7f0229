/**
 * The transcript follows new output to the bottom, unless the reader has scrolled up to read;
 * content that grows after rendering (images decoding, fonts loading) is followed too. Until there
 * is a conversation (the welcome) nothing is followed: it opens at its top, its heading in view
 * on a phone and under the progress bar. A Lit reactive controller, so the element only says
 * where the scroller is, whether there is output, and when to follow again.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How close to the bottom (px) still counts as "at the bottom". */
const AT_BOTTOM_PX = 40;

export class FollowOutput implements ReactiveController {
  private following = true;
  /** Where the scroller was at the last scroll event or follow, to tell a reader's scroll up from growth. */
  private lastTop = 0;
  /** Whether the last update showed a conversation (so going back to the welcome scrolls it to its top). */
  private hadOutput = false;
  private resizeObserver: ResizeObserver | undefined;

  /**
   * @param scroller The scrolling element, once rendered; its first child is the growing column.
   * @param hasOutput Whether there is a conversation to follow (false while the welcome shows).
   */
  constructor(
    host: ReactiveControllerHost,
    private readonly scroller: () => HTMLElement | null,
    private readonly hasOutput: () => boolean,
  ) {
    host.addController(this);
  }

  /** Follows again from now on (a message was sent). */
  resume(): void {
    this.following = true;
  }

  /**
   * The scroller's `scroll` listener: following stops when the reader scrolls up and resumes when
   * they are back at the bottom. Only a move up stops it: scroll events arrive a frame late, and by
   * then the output may have grown past the follow's own scroll, which is not the reader leaving.
   */
  readonly onScroll = (event: Event): void => {
    const el = event.target as HTMLElement;
    const top = el.scrollTop;
    if (el.scrollHeight - top - el.clientHeight < AT_BOTTOM_PX) this.following = true;
    else if (top < this.lastTop) this.following = false;
    this.lastTop = top;
  };

  hostUpdated(): void {
    const hasOutput = this.hasOutput();
    const scroller = this.scroller();
    // Back to the welcome (New): from its top, wherever the conversation had scrolled to.
    if (this.hadOutput && !hasOutput && scroller) this.lastTop = scroller.scrollTop = 0;
    this.hadOutput = hasOutput;
    this.follow();
    // The column grows with output; the scroller itself gets shorter when the composer below it
    // grows (its own element, which updates after this one): either leaves the end out of view.
    const column = scroller?.firstElementChild;
    if (scroller && column && !this.resizeObserver) {
      this.resizeObserver = new ResizeObserver(() => this.follow());
      this.resizeObserver.observe(column);
      this.resizeObserver.observe(scroller);
    }
  }

  hostDisconnected(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
  }

  private follow(): void {
    const scroller = this.scroller();
    if (!this.following || !scroller || !this.hasOutput()) return;
    scroller.scrollTop = scroller.scrollHeight;
    this.lastTop = scroller.scrollTop;
  }
}
