#!/usr/bin/env node
/**
 * The first step of `npm test`: gives a fresh machine what the tests need, or stops at once
 * saying how to get it, rather than letting every browser test fail.
 *
 * - Browsers, Xvfb, python3 and espeak-ng (the voice test's spoken question): the tests use Debian's Chromium, Firefox ESR and WebKitGTK
 *   (WebKitWebDriver + MiniBrowser under Xvfb) at fixed paths or the env overrides below, and
 *   python3 to build test wheels. On Debian/Ubuntu as root, what is missing is installed with
 *   apt-get (one update, one install). Elsewhere Chromium may come from Playwright's own
 *   download; without Chromium or python3 tests fail, so this stops with the command to run;
 *   without Firefox or WebKit their suites skip themselves, so this only says how to add them.
 * - Data: the real Python libraries and the package index's wheels (the two scripts below),
 *   each a no-op once done; where pip cannot get them, their tests are skipped.
 *
 * Costs a few file checks and two quick node processes when everything is there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/**
 * What the tests look for, and the apt package that provides it. The paths are the tests' own:
 * keep them in step with test/support/chromium.ts and test/support/engines/.
 * `required`: the tests fail without it (the others' suites are skipped with a message).
 */
const NEEDS = [
  {
    name: 'Chromium',
    override: 'CHROMIUM_PATH',
    path: '/usr/bin/chromium',
    apt: 'chromium',
    required: true,
    elsewhere: 'set CHROMIUM_PATH to a Chrome or Chromium, or run `npx playwright-core install chromium` where its download is reachable',
  },
  {
    name: 'Firefox ESR',
    override: 'FIREFOX_PATH',
    path: '/usr/bin/firefox-esr',
    apt: 'firefox-esr',
    required: false,
    elsewhere: 'set FIREFOX_PATH to a Firefox (ESR or newer)',
  },
  {
    name: 'WebKitWebDriver',
    override: 'WEBKIT_DRIVER_PATH',
    path: '/usr/bin/WebKitWebDriver',
    apt: 'webkit2gtk-driver',
    required: false,
    elsewhere: "set WEBKIT_DRIVER_PATH to WebKitGTK's WebKitWebDriver (Linux only)",
  },
  {
    name: 'MiniBrowser',
    override: 'WEBKIT_BROWSER_PATH',
    path: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    apt: 'webkit2gtk-driver',
    required: false,
    elsewhere: "set WEBKIT_BROWSER_PATH to WebKitGTK's MiniBrowser (Linux only)",
  },
  { name: 'Xvfb', path: '/usr/bin/Xvfb', apt: 'xvfb', required: false, elsewhere: 'install Xvfb at /usr/bin/Xvfb (Linux only)' },
  { name: 'python3', command: 'python3', apt: 'python3', required: true, elsewhere: 'install Python 3 and put python3 on PATH' },
  { name: 'espeak-ng', command: 'espeak-ng', apt: 'espeak-ng', required: false, elsewhere: 'install espeak-ng (the voice test speaks its question with it)' },
  {
    name: 'HAProxy',
    override: 'HAPROXY_PATH',
    path: '/usr/sbin/haproxy',
    apt: 'haproxy',
    required: false,
    elsewhere: 'set HAPROXY_PATH to an haproxy 2.6 or later (the MCP load-balancer test runs examples/mcp-balancer with it)',
  },
];

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Where the tests will look for `need`, and whether it is there. */
function check(need) {
  if (need.command) return { ...need, present: onPath(need.command) };
  // `??` as the tests have it: an override set even to "" is used.
  const given = need.override ? process.env[need.override] : undefined;
  const path = given ?? need.path;
  return { ...need, where: given === undefined ? path : `${need.override}=${given}`, overridden: given !== undefined, present: existsSync(path) };
}

function missingNow() {
  return NEEDS.map(check).filter((need) => !need.present);
}

/** Debian's packages for what is missing; none for an override that points nowhere (apt would not fill it). */
function aptPackages(missing) {
  return [...new Set(missing.filter((need) => !need.overridden).map((need) => need.apt))];
}

const canApt = process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get');

let missing = missingNow();

if (missing.length > 0 && canApt && aptPackages(missing).length > 0) {
  const packages = aptPackages(missing);
  console.log(`Installing ${packages.join(', ')} with apt-get for the tests (once; a minute or two)...`);
  // Quiet: apt's progress goes nowhere, its errors still show.
  const apt = (args) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!(apt(['update', '-qq']) && apt(['install', '-y', '-qq', ...packages]))) console.error('apt-get failed (see above)');
  missing = missingNow();
}

// Where Debian's Chromium is missing, the tests launch Playwright's own (test/support/chromium.ts):
// try its download (a no-op once there; fails without access to Playwright's CDN).
if (missing.some((need) => need.name === 'Chromium')) {
  console.log(`Chromium: ${check(NEEDS[0]).where} does not exist; trying Playwright's own download (npx playwright-core install chromium, about 170 MB)...`);
  const playwright = spawnSync(process.execPath, [join(REPO, 'node_modules/playwright-core/cli.js'), 'install', 'chromium'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (playwright.status === 0) missing = missing.filter((need) => need.name !== 'Chromium');
  else {
    const output = `${playwright.stdout ?? ''}\n${playwright.stderr ?? ''}`.split('\n');
    console.error(`Playwright's download failed: ${output.find((line) => line.startsWith('Error:')) ?? playwright.error ?? `exit code ${playwright.status}`}`);
  }
}

/** `need` and where the tests look for it. */
function describe(need) {
  return need.command ? `${need.name} (not on PATH)` : `${need.name} (${need.where})`;
}

/** The exact commands or settings that would supply `needs`, one a line. */
function howToInstall(needs) {
  const apt = onPath('apt-get');
  const lines = needs
    .filter((need) => need.overridden)
    .map((need) => `${need.where} does not exist: point ${need.override} at ${need.name}${apt ? ', or unset it and install as below' : ''}`);
  if (apt) lines.push(`${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install -y ${[...new Set(needs.map((need) => need.apt))].join(' ')}`);
  else lines.push(...needs.filter((need) => !need.overridden).map((need) => `${need.name}: ${need.elsewhere}`));
  return lines.map((line) => `  ${line}`).join('\n');
}

const required = missing.filter((need) => need.required);
if (required.length > 0) {
  // One command for everything missing, so the next try runs every suite.
  console.error(`\nThe tests cannot run here: missing ${required.map(describe).join(' and ')}. To fix:\n${howToInstall(missing)}\n`);
  process.exit(1);
}
if (missing.length > 0) {
  console.log(`Missing ${missing.map(describe).join(', ')}: the Firefox or WebKit tests will be skipped. To run them:\n${howToInstall(missing)}`);
}

// The data steps, side by side (each a marker check once done; pip writes its cache atomically).
// Each prints why it failed; its tests are then skipped, so npm test goes on.
const dataSteps = [
  ['install-python-libraries.mjs', 'real-library tests'],
  ['download-index-wheels.mjs', 'package-index tests'],
].map(
  ([script, tests]) =>
    new Promise((resolve) => {
      const step = spawn(process.execPath, [join(REPO, 'scripts', script)], { stdio: ['ignore', 'ignore', 'inherit'] });
      step.on('error', (error) => console.error(`${script}: ${error.message}`));
      step.on('close', (code) => {
        if (code !== 0) console.error(`${tests} will be skipped (see above)`);
        resolve();
      });
    }),
);
await Promise.all(dataSteps);
