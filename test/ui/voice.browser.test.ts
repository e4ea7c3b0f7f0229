/**
 * Voice mode of `<code-exec-chat>` in Chromium: the microphone is Chromium's fake device playing a
 * WAV that espeak-ng speaks at test time ("What is six times seven? Run code."), and the page's
 * Live WebSocket goes to the fake Live server (test/fake-live) through the widget's `base-url`.
 * The fake receives the 16 kHz PCM frames, answers with transcription, a run_python call and audio;
 * the widget shows the words and the cell with its result and plays the audio. Barge-in: the fake
 * sends `interrupted` + `toolCallCancellation` while a long cell runs and speech is queued; the
 * audio stops and the cell ends stopped. Also Esc, the error messages, and axe over the voice state.
 *
 * Needs `npm run build` and espeak-ng (skipped, saying so, without it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FakeLive, type FakeLiveConnection } from '../fake-live/server.js';
import { LIVE_MODEL, cancellation, heard, runPythonCall, toolCall, turnComplete } from '../fake-live/scenarios.js';
import { expectNoViolations } from '../support/axe.js';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { REPO_ROOT, SERVE_ROOT, blockNonLocal, collectLog, requireBuild, transcriptText, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 120_000;
const QUESTION = 'What is six times seven? Run code.';
const WAV = `${REPO_ROOT}test-results/voice/question.wav`;
const espeak = spawnSync('espeak-ng', ['--version']).status === 0;
if (!espeak)
  console.warn('voice.browser.test.ts is skipped: espeak-ng is missing (apt-get install espeak-ng), so no spoken question can be made for the fake microphone');

/** `seconds` of a 440 Hz tone as base64 PCM16 at 24 kHz: the model's "speech". */
function tone(seconds: number): string {
  const samples = Math.round(24_000 * seconds);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / 24_000) * 8_000), i * 2);
  return pcm.toString('base64');
}

/** Words the model speaks, with their audio, as today's models send them. */
function speaking(text: string, seconds = 0.3): object {
  return {
    serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: tone(seconds) } }] }, outputTranscription: { text } },
  };
}

/** Root mean square of base64 PCM16, 0..1. */
function rms(base64: string): number {
  const pcm = Buffer.from(base64, 'base64');
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += (pcm.readInt16LE(i) / 0x8000) ** 2;
  return Math.sqrt(sum / Math.max(1, pcm.length / 2));
}

describe.skipIf(!espeak)('voice mode (Chromium, fake microphone, fake Live server)', { timeout: TIMEOUT_MS }, () => {
  let browser: Browser;
  let site: StaticServer;
  let fake: FakeLive;
  let context: BrowserContext | undefined;
  let page: Page;
  let log: string[];

  beforeAll(async () => {
    requireBuild();
    mkdirSync(`${REPO_ROOT}test-results/voice`, { recursive: true });
    const made = spawnSync('espeak-ng', ['-w', WAV, QUESTION]);
    if (made.status !== 0) throw new Error(`espeak-ng failed: ${made.stderr}`);
    const args = [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${WAV}`,
      '--autoplay-policy=no-user-gesture-required',
    ];
    [browser, site, fake] = await Promise.all([launchChromium({ args }), startStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true }), FakeLive.start()]);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close(), fake?.close()]);
  });

  beforeEach(async ({ onTestFailed }) => {
    fake.reset();
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    await blockNonLocal(context);
    page = await context.newPage();
    log = collectLog(page);
    onTestFailed(() => console.error(`Browser log:\n${log.join('\n')}`));
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  async function openWidget(init?: () => void): Promise<void> {
    if (init) await page.addInitScript(init);
    const query = new URLSearchParams({ 'api-key': 'test-key', 'base-url': fake.baseUrl, 'live-model': LIVE_MODEL });
    // The host page has its own header, main and h1, as the axe check of the voice state needs.
    await page.goto(`${site.origin}/test/ui/pages/host.html?${query}`);
    await waitForSandbox(page, '#chat0');
  }

  const button = () => page.locator('#chat0 button.voice-button');
  const bar = () => page.locator('#chat0 .voice-bar');
  const audioCount = async (name: 'played' | 'ended' | 'interrupted') => Number(await bar().getAttribute(`data-audio-${name}`));

  /** Presses the microphone button and returns the fake's side of the session. */
  async function talk(): Promise<FakeLiveConnection> {
    const connection = fake.connection();
    expect(await button().getAttribute('aria-pressed')).toBe('false');
    await button().click();
    const server = await connection;
    await expect.poll(() => bar().getAttribute('data-voice-state'), { timeout: 20_000 }).toBe('listening');
    expect(await button().getAttribute('aria-pressed')).toBe('true');
    return server;
  }

  test("the spoken question reaches the fake as 16 kHz PCM; the answer shows its words and cell (which calls the page's function), and its audio plays", async () => {
    await openWidget();
    // Code mode: a page function only the model's Python may call.
    await page.evaluate(() => {
      const chat = document.querySelector('#chat0') as HTMLElement & { functions: unknown[] };
      const parametersJsonSchema = { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['a', 'b'] };
      const times = ({ a, b }: Record<string, number>) => a * b;
      chat.functions = [{ declaration: { name: 'times', description: 'a times b', parametersJsonSchema }, callableFrom: 'code', handler: times }];
    });
    const server = await talk();
    const setup = server.framesOf('setup')[0]!.message.setup;
    expect(setup.model).toBe(`models/${LIVE_MODEL}`);
    const declarations = setup.tools.flatMap((tool: { functionDeclarations?: { name: string; description: string }[] }) => tool.functionDeclarations ?? []);
    expect(declarations.map((declaration: { name: string }) => declaration.name)).toEqual(['run_python']);
    expect(declarations[0].description).toContain('default_api.times(a: int, b: int): a times b');
    expect(await page.locator('#chat0 [role=status][data-phase]').innerText()).toBe('Listening');

    // A second of microphone audio: 100 ms frames of 1,600 samples, and the question is not silence.
    await expect.poll(() => server.framesOf('realtimeInput').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(10);
    const frames = server.framesOf('realtimeInput').map((frame) => frame.message.realtimeInput.audio);
    expect(new Set(frames.map((audio) => audio.mimeType))).toEqual(new Set(['audio/pcm;rate=16000']));
    expect(new Set(frames.map((audio) => Buffer.from(audio.data, 'base64').length))).toEqual(new Set([3_200]));
    const loudest = Math.max(...frames.map((audio) => rms(audio.data)));
    console.info(`voice: ${frames.length} realtimeInput audio frames received, loudest frame RMS ${loudest.toFixed(3)}`);
    expect(loudest).toBeGreaterThan(0.01);

    server.send(heard(QUESTION, true));
    server.send(speaking('Let me compute that.'));
    // A plain call: Chromium has JSPI, so it waits for the page in place.
    server.send(toolCall(runPythonCall('v1', 'print(default_api.times(a=6, b=7))')));
    const answered = await server.next('toolResponse', 30_000);
    expect(answered.message.toolResponse.functionResponses[0]).toMatchObject({ id: 'v1', response: { output: '42\n' } });
    server.send(speaking('Six times seven is 42.'));
    server.send(turnComplete());

    await expect.poll(() => transcriptText(page, '#chat0'), { timeout: 10_000 }).toContain('Six times seven is 42.');
    const text = await transcriptText(page, '#chat0');
    expect(text).toContain(QUESTION);
    expect(text).toContain('Let me compute that.');
    const cell = page.locator('#chat0 .turn.model .cell');
    expect(await cell.count()).toBe(1);
    expect(await cell.innerText()).toContain('print(default_api.times(a=6, b=7))');
    expect(await cell.locator('pre.output').innerText()).toContain('42');
    expect(await cell.innerText()).toMatch(/times\(a=6, b=7\)\s+ok/);
    await expect.poll(() => audioCount('played')).toBe(2);
    // Both chunks played to their end: the queue advanced (the browser mutes the output, not the clock).
    await expect.poll(() => audioCount('ended'), { timeout: 5_000 }).toBe(2);
    await expect.poll(() => bar().getAttribute('data-voice-state'), { timeout: 5_000 }).toBe('listening');
    await expectNoViolations(page);
    expect(fake.failures).toEqual([]);
  });

  test('barge-in: interrupted stops the audio at once and the cancelled cell ends stopped; Esc ends the session', async () => {
    await openWidget();
    const server = await talk();
    server.send(toolCall(runPythonCall('spin', 'print("started", flush=True)\nwhile True:\n    pass')));
    await expect.poll(() => page.locator('#chat0 .cell.running pre.output.live').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => bar().getAttribute('data-voice-state')).toBe('running');
    server.send(speaking('This will take a while, I am still talking.', 5));
    await expect.poll(() => audioCount('played')).toBe(1);
    expect(await audioCount('interrupted')).toBe(0);
    expect(await audioCount('ended')).toBe(0);

    server.send({ serverContent: { interrupted: true } });
    server.send(cancellation('spin'));
    await expect.poll(() => audioCount('interrupted'), { timeout: 5_000 }).toBe(1);
    await expect.poll(() => page.locator('#chat0 .cell.running').count(), { timeout: 10_000 }).toBe(0);
    // Cut off by the cancellation: "stopped", with the run's "Stopped: …" result once its interrupt lands.
    await expect.poll(() => page.locator('#chat0 .cell').last().innerText(), { timeout: 10_000 }).toMatch(/Stopped: /);
    expect(await page.locator('#chat0 .turn.model').last().getAttribute('class')).toContain('stopped');
    await expect.poll(() => bar().getAttribute('data-voice-state')).toBe('listening');
    expect(server.framesOf('toolResponse')).toEqual([]);

    await button().focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => button().getAttribute('aria-pressed')).toBe('false');
    expect((await server.closed).code).toBeGreaterThan(0);
    expect(fake.failures).toEqual([]);
  });

  test('where the AudioWorklet cannot load (a CSP without blob:), the ScriptProcessor fallback streams the same frames', async () => {
    await openWidget(() => {
      AudioWorklet.prototype.addModule = () => Promise.reject(new DOMException('Refused by the page CSP', 'SecurityError'));
    });
    const server = await talk();
    await expect.poll(() => server.framesOf('realtimeInput').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
    const frames = server.framesOf('realtimeInput').map((frame) => frame.message.realtimeInput.audio);
    expect(new Set(frames.map((audio) => `${audio.mimeType} ${Buffer.from(audio.data, 'base64').length}`))).toEqual(new Set(['audio/pcm;rate=16000 3200']));
    expect(Math.max(...frames.map((audio) => rms(audio.data)))).toBeGreaterThan(0.01);
  });

  test('a key the Live API refuses: the server close reason is shown', async () => {
    await openWidget();
    fake.refuseSetups = { code: 1008, reason: "Method doesn't allow unregistered callers. Please use API key for Live access." };
    await button().click();
    await expect.poll(() => page.locator('#chat0 [data-entry=error]').innerText(), { timeout: 20_000 }).toContain('unregistered callers');
    expect(await page.locator('#chat0 [data-entry=error]').innerText()).toContain('The voice session could not start');
    expect(await button().getAttribute('aria-pressed')).toBe('false');
  });

  test('microphone refused, missing, or an insecure page: each says what to do', async () => {
    const cases: [string, () => void, string][] = [
      [
        'denied',
        () => (navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))),
        'Microphone access was denied',
      ],
      [
        'missing',
        () => (navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))),
        'No microphone found',
      ],
      [
        'insecure',
        () => {
          Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined });
          Object.defineProperty(window, 'isSecureContext', { get: () => false });
        },
        'Voice needs a secure page',
      ],
    ];
    for (const [name, init, expected] of cases) {
      page = await context!.newPage();
      log = collectLog(page);
      await openWidget(init);
      await button().click();
      await expect
        .poll(
          () =>
            page
              .locator('#chat0 [data-entry=error]')
              .innerText()
              .catch(() => ''),
          { timeout: 10_000, message: name },
        )
        .toContain(expected);
      expect(await button().getAttribute('aria-pressed')).toBe('false');
      await page.close();
    }
  });
});
