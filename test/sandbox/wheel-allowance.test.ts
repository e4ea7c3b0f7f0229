/** The bounds on the wheels one interpreter is handed (src/sandbox/packages/wheel-allowance.ts). */
import { describe, expect, it } from 'vitest';
import { MAX_PACKAGE_BYTES_PER_RUN, MAX_PACKAGE_REQUESTS_PER_RUN, WheelAllowance } from '../../src/sandbox/packages/wheel-allowance.js';

const MB = 1024 * 1024;

describe('WheelAllowance', () => {
  // WebKit's isolated data: worker made the host copy one cached 20 MB wheel 64 times (1.34 GB).
  it('hands a worker that gets copies each wheel once per interpreter', () => {
    const handout = new WheelAllowance();
    handout.ask('big-1.0-py3-none-any.whl', true);
    handout.take('big-1.0-py3-none-any.whl', 20 * MB, true);
    expect(() => handout.ask('big-1.0-py3-none-any.whl', true)).toThrow(/already handed to this interpreter/);
    handout.beginRun();
    expect(() => handout.ask('big-1.0-py3-none-any.whl', true)).toThrow(/already handed/);
  });

  it('hands a worker that reads Blobs the same wheel again (a handle copies nothing)', () => {
    const handout = new WheelAllowance();
    handout.ask('six.whl', false);
    handout.take('six.whl', 10_000, false);
    expect(() => handout.ask('six.whl', false)).not.toThrow();
  });

  it(`bounds the bytes handed over in one run to ${MAX_PACKAGE_BYTES_PER_RUN / MB} MB, in every engine`, () => {
    const handout = new WheelAllowance();
    let handed = 0;
    for (let i = 0; i < 50; i++) {
      try {
        handout.ask('big.whl', false);
        handout.take('big.whl', 20 * MB, false);
        handed += 20 * MB;
      } catch (error) {
        expect((error as Error).message).toMatch(/MB of packages per run/);
      }
    }
    expect(handed).toBeLessThanOrEqual(MAX_PACKAGE_BYTES_PER_RUN);
    handout.beginRun();
    expect(() => handout.take('big.whl', 20 * MB, false)).not.toThrow();
  });

  it('refuses a wheel whose size is known before it is read again, once it would pass the bytes per run', () => {
    const handout = new WheelAllowance();
    const reserved = Array.from({ length: 12 }, () => handout.ask('big.whl', false, 20 * MB));
    expect(() => handout.ask('big.whl', false, 20 * MB)).toThrow(/MB of packages per run/);
    expect(() => handout.take('big.whl', 20 * MB, false, reserved[0])).not.toThrow();
  });

  it(`answers at most ${MAX_PACKAGE_REQUESTS_PER_RUN} requests per run`, () => {
    const handout = new WheelAllowance();
    for (let i = 0; i < MAX_PACKAGE_REQUESTS_PER_RUN; i++) handout.ask(`w${i}.whl`, false);
    expect(() => handout.ask('one-more.whl', false)).toThrow(/at most 64 package downloads per run/);
  });
});
