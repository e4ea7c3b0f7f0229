/**
 * The transcript follows new output to its end until the reader scrolls up, and follows again once
 * they are back at the bottom. Scroll events arrive a frame after the scroll that caused them, so
 * output that grew in between must not read as the reader leaving.
 */
import type { ReactiveControllerHost } from 'lit';
import { describe, expect, test } from 'vitest';
import { FollowOutput } from '../../src/ui/code-exec-chat/follow-output.js';

/** A scroller as the browser clamps it: scrollTop stays within 0..scrollHeight - clientHeight. */
class Scroller {
  scrollHeight = 1000;
  readonly clientHeight = 400;
  readonly firstElementChild = null;
  private top = 0;
  get scrollTop(): number {
    return this.top;
  }
  set scrollTop(value: number) {
    this.top = Math.max(0, Math.min(value, this.scrollHeight - this.clientHeight));
  }
}

function followed(): { follow: FollowOutput; scroller: Scroller; scrolled: () => void; updated: () => void } {
  const scroller = new Scroller();
  const host = { addController: () => {} } as unknown as ReactiveControllerHost;
  const follow = new FollowOutput(
    host,
    () => scroller as unknown as HTMLElement,
    () => true,
  );
  return {
    follow,
    scroller,
    scrolled: () => follow.onScroll({ target: scroller } as unknown as Event),
    updated: () => follow.hostUpdated(),
  };
}

describe('the transcript', () => {
  test('follows new output to its end', () => {
    const { scroller, updated } = followed();
    updated();
    expect(scroller.scrollTop).toBe(600);
    scroller.scrollHeight = 1500;
    updated();
    expect(scroller.scrollTop).toBe(1100);
  });

  test('keeps following when output grew between its scroll and that scroll event', () => {
    const { scroller, scrolled, updated } = followed();
    updated();
    scroller.scrollHeight = 1300; // 300 px arrived before the event for the scroll to 600
    scrolled();
    updated();
    expect(scroller.scrollTop).toBe(900);
  });

  test('stays where a reader who scrolled up left it, and follows again once they are back at the bottom', () => {
    const { scroller, scrolled, updated } = followed();
    updated();
    scroller.scrollTop = 100;
    scrolled();
    scroller.scrollHeight = 1500;
    updated();
    expect(scroller.scrollTop).toBe(100);
    scroller.scrollTop = 1100;
    scrolled();
    scroller.scrollHeight = 1800;
    updated();
    expect(scroller.scrollTop).toBe(1400);
  });

  test('follows again from a sent message wherever the reader was', () => {
    const { follow, scroller, scrolled, updated } = followed();
    updated();
    scroller.scrollTop = 0;
    scrolled();
    follow.resume();
    updated();
    expect(scroller.scrollTop).toBe(600);
  });
});
