/**
 * Launches WebKit for browser tests: WebKitGTK (Safari's engine, Debian's `webkit2gtk-driver`)
 * through WebDriver (`selenium-webdriver`, the maintained WebDriver client; Playwright's cannot
 * drive a stock WebKit). WebKitWebDriver starts MiniBrowser, which has no headless mode, so each
 * launch starts its own Xvfb display. `npm test` installs both (scripts/prepare-test-machine.mjs).
 *
 * `sharedArrayBuffer`: WebKitGTK enables SharedArrayBuffer only with `JSC_useSharedArrayBuffer=1`
 * (Safari enables it on cross-origin isolated pages); without it, the engine reports
 * `crossOriginIsolated` and has no SharedArrayBuffer, which the sandbox must survive too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { CALL_API, EVALUATE, type CallAnswer, type Engine, unwrap } from './engine.js';
import { descendantsCpuSeconds } from './process-cpu.js';

const DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const BROWSER = process.env.WEBKIT_BROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';

/** What is missing to run WebKit here, or undefined when everything is installed. */
export function webkitMissing(): string | undefined {
  const missing = [DRIVER, BROWSER, XVFB].filter((path) => !existsSync(path));
  return missing.length > 0 ? `${missing.join(', ')} not installed (apt-get install webkit2gtk-driver xvfb)` : undefined;
}

/**
 * WebKit as an `Engine`. Each page is a browser of its own: WebDriver sessions are cheap enough,
 * and pages then share nothing (WebDriver drops Cache Storage across navigations anyway).
 */
export function webkit(options: { sharedArrayBuffer: boolean }): Engine {
  const open = new Set<WebKit>();
  return {
    name: options.sharedArrayBuffer ? 'WebKit' : 'WebKit without SharedArrayBuffer',
    missing: webkitMissing(),
    async open(url, api = 'harness') {
      const browser = await launchWebKit(options);
      open.add(browser);
      const { driver } = browser;
      const ready = () =>
        api === null
          ? driver.wait(() => driver.executeScript('return document.readyState === "complete"'), 60_000)
          : driver.wait(() => driver.executeScript('return !!(window[arguments[0]] || window[arguments[0] + "Error"])', api), 60_000);
      await driver.get(url);
      await ready();
      return {
        call: async <T>(method: string, ...args: unknown[]) => unwrap<T>((await driver.executeAsyncScript(CALL_API, api, method, args)) as CallAnswer, method),
        evaluate: async (fn, ...args) => unwrap((await driver.executeAsyncScript(EVALUATE, fn.toString(), args)) as CallAnswer, 'evaluate'),
        async reload() {
          await driver.navigate().refresh();
          await ready();
        },
        // WebKitWebDriver starts MiniBrowser, which starts the web process running the page and its workers.
        cpuSeconds: () => descendantsCpuSeconds(browser.driverPid, 'WebKitWebProces'),
        async close() {
          open.delete(browser);
          await browser.close();
        },
      };
    },
    async close() {
      await Promise.all([...open].map((browser) => browser.close()));
    },
  };
}

export interface WebKit {
  driver: WebDriver;
  /** WebKitWebDriver's process, which MiniBrowser and its web process descend from. */
  driverPid: number;
  close(): Promise<void>;
}

/** Starts Xvfb, WebKitWebDriver and a MiniBrowser session. */
export async function launchWebKit(options: { sharedArrayBuffer: boolean }): Promise<WebKit> {
  const missing = webkitMissing();
  if (missing) throw new Error(`WebKit cannot run: ${missing}`);
  const children: ChildProcess[] = [];
  const stopAll = () => children.forEach((child) => child.kill());
  try {
    const display = await startXvfb(children);
    const port = await freePort();
    // Without a GPU, WebKitGTK composites through Mesa's software rasterizer: after a widget's
    // conversation ended, with nothing on the page changing, its web process took about 9 CPU-seconds
    // (184 % of this machine's two cores for seconds), and a conversation's own CPU time was 1.8×.
    // The tests' subject is the engine's JavaScript, workers and DOM, which draw the same unaccelerated.
    const env = {
      ...process.env,
      DISPLAY: display,
      JSC_useSharedArrayBuffer: options.sharedArrayBuffer ? '1' : '0',
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    };
    const driverProcess = spawn(DRIVER, [`--port=${port}`], { env, stdio: 'ignore' });
    children.push(driverProcess);
    await untilListening(port);
    const driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: BROWSER, args: ['--automation'] } })
      .build();
    await driver.manage().setTimeouts({ script: 180_000 });
    return {
      driver,
      driverPid: driverProcess.pid!,
      async close() {
        await driver.quit().catch(() => undefined);
        stopAll();
      },
    };
  } catch (error) {
    stopAll();
    throw error;
  }
}

/** An X display of its own (`-displayfd` has Xvfb pick a free number and print it). */
function startXvfb(children: ChildProcess[]): Promise<string> {
  const xvfb = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  children.push(xvfb);
  return new Promise((resolve, reject) => {
    let text = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with code ${code}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function untilListening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`WebKitWebDriver did not listen on port ${port}`);
}
