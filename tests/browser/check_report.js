#!/usr/bin/env node
// Open report.html in headless Chromium through the DevTools protocol
// (--remote-debugging-pipe: NUL-separated JSON on file descriptors 3 and 4,
// so no WebSocket library and no npm download is needed) and fail on:
//   - a console error or an uncaught exception (CSP violations included),
//   - any request that is not the page itself (file:) or inline (data:),
//   - a chart that is blank: every <svg> must have a size and, drawn onto a
//     canvas, enough pixels that are not the white background,
//   - a page wider than a phone's screen at 390 px (horizontal scrolling).
// Screenshots (desktop top, phone top, print layout, the first chart, the
// first metric section) are written to
// OUTDIR for people to look at.
// Usage: node check_report.js CHROMIUM REPORT.html OUTDIR
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, html, outdir] = process.argv.slice(2);
if (!chromium || !html || !outdir) {
  console.error('usage: check_report.js CHROMIUM REPORT.html OUTDIR');
  process.exit(2);
}
fs.mkdirSync(outdir, { recursive: true });
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnr-chromium-'));
const url = 'file://' + path.resolve(html);

const child = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--user-data-dir=' + userDir,
  '--remote-debugging-pipe', '--no-first-run', '--no-default-browser-check',
  '--disable-extensions', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let chromeErr = '';
child.stderr.on('data', (d) => { chromeErr += d.toString(); });

const problems = [];
let nextId = 1;
const pending = new Map();
const listeners = [];
let inbuf = Buffer.alloc(0);

child.stdio[4].on('data', (chunk) => {
  inbuf = Buffer.concat([inbuf, chunk]);
  let nul;
  while ((nul = inbuf.indexOf(0)) >= 0) {
    const msg = JSON.parse(inbuf.slice(0, nul).toString('utf8'));
    inbuf = inbuf.slice(nul + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error)));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    child.stdio[3].write(JSON.stringify(msg) + '\0');
  });
}

function waitFor(method, timeoutMs) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout waiting for ' + method)),
      timeoutMs);
    listeners.push((m) => {
      if (m.method === method) { clearTimeout(t); resolve(m.params); }
    });
  });
}

listeners.push((m) => {
  const p = m.params || {};
  if (m.method === 'Runtime.consoleAPICalled' &&
      (p.type === 'error' || p.type === 'assert')) {
    problems.push('console error: ' +
      (p.args || []).map((a) => a.value || a.description).join(' '));
  } else if (m.method === 'Runtime.exceptionThrown') {
    problems.push('uncaught exception: ' + JSON.stringify(p.exceptionDetails.text));
  } else if (m.method === 'Log.entryAdded' && p.entry.level === 'error') {
    problems.push('console error: ' + p.entry.text);
  } else if (m.method === 'Network.requestWillBeSent') {
    const u = p.request.url;
    if (!(u === url || u.startsWith('data:'))) {
      problems.push('request other than the page itself: ' + u);
    }
  }
});

// Inside the page: measure every chart and count its non-white pixels.
const chartProbe = `(async () => {
  const out = [];
  const svgs = Array.from(document.querySelectorAll('figure svg'));
  for (const [i, svg] of svgs.entries()) {
    const r = svg.getBoundingClientRect();
    const item = { i, w: r.width, h: r.height, shapes:
      svg.querySelectorAll('path,polyline,line,circle,rect,use').length };
    const vb = svg.viewBox.baseVal;
    const W = Math.round(vb && vb.width ? vb.width : r.width);
    const H = Math.round(vb && vb.height ? vb.height : r.height);
    const src = 'data:image/svg+xml;charset=utf-8,' +
      encodeURIComponent(new XMLSerializer().serializeToString(svg));
    try {
      const img = new Image();
      await new Promise((ok, bad) => { img.onload = ok; img.onerror = bad;
        img.src = src; });
      const c = document.createElement('canvas');
      c.width = W; c.height = H;
      const g = c.getContext('2d');
      g.fillStyle = '#fff'; g.fillRect(0, 0, W, H);
      g.drawImage(img, 0, 0, W, H);
      const d = g.getImageData(0, 0, W, H).data;
      let ink = 0;
      for (let k = 0; k < d.length; k += 4)
        if (d[k] < 235 || d[k + 1] < 235 || d[k + 2] < 235) ink++;
      item.ink = ink / (W * H);
    } catch (e) {
      item.error = String(e && e.message || e);
    }
    out.push(item);
  }
  return JSON.stringify({ charts: out,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    title: document.title,
    sentences: document.querySelectorAll('.sentence').length });
})()`;

async function screenshot(session, file, clip) {
  const params = { format: 'png', captureBeyondViewport: true };
  if (clip) params.clip = Object.assign({ scale: 1 }, clip);
  const r = await send('Page.captureScreenshot', params, session);
  fs.writeFileSync(path.join(outdir, file), Buffer.from(r.data, 'base64'));
}

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId: s } = await send('Target.attachToTarget',
    { targetId, flatten: true });
  await send('Runtime.enable', {}, s);
  await send('Log.enable', {}, s);
  await send('Network.enable', {}, s);
  await send('Page.enable', {}, s);
  await send('Emulation.setDeviceMetricsOverride',
    { width: 1000, height: 1400, deviceScaleFactor: 1, mobile: false }, s);
  const loaded = waitFor('Page.loadEventFired', 60000);
  await send('Page.navigate', { url }, s);
  await loaded;

  const res = JSON.parse((await send('Runtime.evaluate',
    { expression: chartProbe, awaitPromise: true, returnByValue: true }, s))
    .result.value);
  if (res.charts.length === 0) problems.push('no chart in the page');
  if (res.sentences === 0) problems.push('no generated sentence in the page');
  for (const c of res.charts) {
    if (!(c.w > 100 && c.h > 100)) {
      problems.push(`chart ${c.i} has no size (${c.w}x${c.h})`);
    }
    if (c.error) problems.push(`chart ${c.i} could not be drawn: ${c.error}`);
    else if (!(c.ink > 0.01)) {
      problems.push(`chart ${c.i} is blank (${(100 * c.ink).toFixed(2)}% ink)`);
    }
    if (c.shapes < 10) problems.push(`chart ${c.i} draws almost nothing`);
  }
  await screenshot(s, 'desktop.png', { x: 0, y: 0, width: 1000, height: 2600 });
  const fig = JSON.parse((await send('Runtime.evaluate', {
    expression: `(() => { const f = document.querySelector('figure');
      const r = f.getBoundingClientRect();
      return JSON.stringify({ x: r.left + scrollX, y: r.top + scrollY,
        width: r.width, height: r.height }); })()`,
    returnByValue: true }, s)).result.value);
  await screenshot(s, 'chart.png', fig);
  const art = JSON.parse((await send('Runtime.evaluate', {
    expression: `(() => { const a = document.querySelector('article figure')
      .closest('article'); const r = a.getBoundingClientRect();
      return JSON.stringify({ x: 0, y: r.top + scrollY, width: 1000,
        height: Math.min(r.height, 4000) }); })()`,
    returnByValue: true }, s)).result.value);
  await screenshot(s, 'metric.png', art);

  // Printed: the page as the print style sheet lays it out.
  await send('Emulation.setEmulatedMedia', { media: 'print' }, s);
  await screenshot(s, 'print.png', { x: 0, y: 0, width: 1000, height: 1800 });
  await send('Emulation.setEmulatedMedia', { media: '' }, s);

  // A phone: 390 px wide, the page must not scroll sideways.
  await send('Emulation.setDeviceMetricsOverride',
    { width: 390, height: 844, deviceScaleFactor: 1, mobile: true }, s);
  const phone = JSON.parse((await send('Runtime.evaluate', {
    expression: 'JSON.stringify({ sw: document.documentElement.scrollWidth, ' +
      'iw: window.innerWidth })', returnByValue: true }, s)).result.value);
  if (phone.sw > phone.iw + 1) {
    problems.push(`page scrolls sideways on a phone (${phone.sw} > ${phone.iw} px)`);
  }
  await screenshot(s, 'phone.png', { x: 0, y: 0, width: 390, height: 2400 });

  const inks = res.charts.map((c) => c.ink || 0);
  console.log(`checked ${res.charts.length} charts (ink ${(
    100 * Math.min(...inks)).toFixed(1)}%..${(100 * Math.max(...inks)).toFixed(1)}%), ` +
    `${res.sentences} sentences; screenshots in ${outdir}`);
  await send('Browser.close').catch(() => {});
}

/*
 * Chromium's helper processes may still be writing the profile for a moment
 * after the kill; removing the scratch profile is best effort and must not
 * turn a passing check into a failure.
 */
function cleanup() {
  child.kill('SIGKILL');
  try {
    fs.rmSync(userDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (e) {
    console.error('note: scratch profile not removed: ' + userDir);
  }
}

const killer = setTimeout(() => {
  console.error('browser test timed out');
  child.kill('SIGKILL');
  process.exit(1);
}, 120000);

main().then(() => {
  clearTimeout(killer);
  cleanup();
  if (problems.length) {
    for (const p of problems) console.error('FAIL: ' + p);
    process.exit(1);
  }
  process.exit(0);
}).catch((e) => {
  clearTimeout(killer);
  console.error('browser test error: ' + e.message);
  if (chromeErr) console.error(chromeErr.slice(-2000));
  cleanup();
  process.exit(1);
});
