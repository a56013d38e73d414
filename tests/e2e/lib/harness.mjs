// Shared set-up for the browser tests: the running stack's address, users made
// with the admin CLI, API calls as a partner (Bearer token), Debian's Chromium
// through playwright-core, clipboard capture, the Jitsi stand-in's records,
// screenshots and axe-core.
//
// Environment (scripts/test sets it; `source .vsession/env` for a manual run):
//   VSESSION_BASE_URL        https://localhost:8443
//   VSESSIONCTL              absolute path of vsessionctl
//   VSESSION_SCREENSHOT_DIR  where screenshots go (default tests/e2e/screenshots)
//   VSESSION_CHROMIUM        browser binary (default /usr/bin/chromium)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, request } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const BASE_URL = (process.env.VSESSION_BASE_URL || 'https://localhost:8443').replace(/\/$/, '');
export const SHOT_DIR = process.env.VSESSION_SCREENSHOT_DIR || join(here, '..', 'screenshots');
const CTL = process.env.VSESSIONCTL;
const CHROMIUM = process.env.VSESSION_CHROMIUM || '/usr/bin/chromium';

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };

/** Skips the whole file with a reason when the stack is not reachable. */
export function requireStack() {
  if (!CTL) return 'VSESSIONCTL is not set (source .vsession/env or run scripts/test)';
  return false;
}

const run = randomBytes(3).toString('hex');
let serial = 0;

/** A new user made with `vsessionctl user add`; returns its id and login. */
export function createUser(role, name, timezone) {
  const email = `e2e-${run}-${++serial}-${role}@test.example`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const out = execFileSync(
    CTL,
    ['user', 'add', '--role', role, '--email', email, '--name', name, '--timezone', timezone, '--password-stdin'],
    { input: `${password}\n`, encoding: 'utf8' },
  );
  const id = Number(out.trim().split('\n').pop());
  if (!Number.isInteger(id) || id <= 0) throw new Error(`vsessionctl user add printed ${JSON.stringify(out)}`);
  return { id, email, password, name, timezone, role };
}

export function linkClient(partner, client) {
  execFileSync(CTL, ['client', 'link', '--partner', partner.email, '--client', client.email], { encoding: 'utf8' });
}

/** A partner and a client of theirs, in different time zones. */
export function createPair(label = '') {
  const partner = createUser('partner', `Dr. Test Partner ${label}`.trim(), 'Europe/Berlin');
  const client = createUser('client', `Casey Client ${label}`.trim(), 'America/New_York');
  linkClient(partner, client);
  return { partner, client };
}

/** An API session as `user`, authenticated with the Bearer token from login. */
export async function apiAs(user) {
  const ctx = await request.newContext({ baseURL: BASE_URL, ignoreHTTPSErrors: true });
  const res = await ctx.post('/api/auth/login', { data: { email: user.email, password: user.password } });
  if (res.status() !== 200) throw new Error(`login ${user.email}: ${res.status()} ${await res.text()}`);
  const { token } = await res.json();
  await ctx.dispose();
  const authed = await request.newContext({
    baseURL: BASE_URL,
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  async function call(method, path, data) {
    const r = await authed.fetch(path, { method, data, headers: data ? { 'Content-Type': 'application/json' } : {} });
    const text = await r.text();
    const body = text ? JSON.parse(text) : null;
    if (r.status() >= 400) {
      const e = new Error(`${method} ${path}: ${r.status()} ${text}`);
      e.status = r.status();
      e.body = body;
      throw e;
    }
    return body;
  }
  return {
    token,
    get: (p) => call('GET', p),
    post: (p, d) => call('POST', p, d ?? {}),
    put: (p, d) => call('PUT', p, d),
    del: (p) => call('DELETE', p),
    dispose: () => authed.dispose(),
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
}

/**
 * A fresh browser context. `timezoneId` is the *browser's* zone: tests set
 * one unlike the user's, to show the SPA uses the account's zone.
 * Clipboard writes are recorded in window.__copied as well as performed.
 */
export async function newPage(browser, { device = DESKTOP, timezoneId = 'Asia/Tokyo' } = {}) {
  const context = await browser.newContext({
    ...device,
    baseURL: BASE_URL,
    ignoreHTTPSErrors: true,
    timezoneId,
    locale: 'en-GB',
    bypassCSP: false,
    permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'],
  });
  await context.addInitScript(() => {
    window.__copied = [];
    const clip = navigator.clipboard;
    if (clip && clip.writeText) {
      const orig = clip.writeText.bind(clip);
      clip.writeText = (text) => {
        window.__copied.push(text);
        return orig(text).catch(() => undefined);
      };
    }
    const exec = document.execCommand.bind(document);
    document.execCommand = (cmd, ...rest) => {
      if (cmd === 'copy') {
        const el = document.activeElement;
        if (el && 'value' in el) window.__copied.push(el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? undefined));
      }
      return exec(cmd, ...rest);
    };
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return { context, page };
}

export async function copied(page) {
  return page.evaluate(() => window.__copied.slice());
}

/** The Jitsi stand-in's records (see jitsi-stub/external_api.js). */
export async function jitsiRecords(page) {
  return page.evaluate(() => (window.__jitsiStub ? JSON.parse(JSON.stringify(window.__jitsiStub)) : null));
}

export async function login(page, user) {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: `Hello, ${user.name}` }).waitFor();
}

export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(SHOT_DIR, { recursive: true });
  const path = join(SHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/**
 * Runs axe-core in the page (injected through the DevTools protocol, so the
 * page's CSP stays on) and returns the serious and critical violations.
 */
export async function axeViolations(page, { exclude = [] } = {}) {
  const source = require('fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Runtime.evaluate', { expression: source });
  await cdp.detach();
  const result = await page.evaluate(async (excl) => {
    const r = await window.axe.run(
      { exclude: excl.map((s) => [s]) },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } },
    );
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  }, exclude);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function formatViolations(list) {
  return list.map((v) => `${v.impact} ${v.id}: ${v.help} → ${v.nodes.join(', ')}`).join('\n');
}

/** Wall-clock date and time of an instant in a zone, for date/time inputs. */
export function wallClock(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** A start a few minutes ahead, on a whole minute: joinable at once (window opens 15 min before). */
export function soonStart(minutesAhead = 6) {
  const ms = Date.now() + minutesAhead * 60000;
  return Math.ceil(ms / 60000) * 60000;
}

export const isoZ = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
