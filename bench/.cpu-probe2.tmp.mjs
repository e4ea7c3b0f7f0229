import { chromium } from 'playwright-core';
import WebSocket from 'ws';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--remote-debugging-port=9339'] });
const { webSocketDebuggerUrl } = await (await fetch('http://127.0.0.1:9339/json/version')).json();
const ws = new WebSocket(webSocketDebuggerUrl); await new Promise(r => ws.on('open', r));
let id = 0; const pending = new Map();
const send = (method, params = {}, sessionId) => new Promise((res) => { const i = ++id; pending.set(i, res); ws.send(JSON.stringify({ id: i, method, params, sessionId })); });
ws.on('message', async (raw) => {
  const m = JSON.parse(raw);
  if (m.id) { pending.get(m.id)?.(m); return; }
  if (m.method === 'Target.attachedToTarget') {
    const s = m.params.sessionId, t = m.params.targetInfo.type;
    console.log('attached', t, m.params.waitingForDebugger);
    if (t === 'page' || t === 'iframe') await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, s);
    const r = await send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.RATE) }, s);
    console.log(' throttle', t, r.error?.message ?? 'ok');
    await send('Runtime.runIfWaitingForDebugger', {}, s);
  }
});
await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true, filter: [{ type: 'page' }, { type: 'worker' }, { type: 'service_worker' }, { type: 'iframe' }] });
const ctx = await b.newContext(); const p = await ctx.newPage();
await p.goto('data:text/html,<p>x');
await new Promise(r => setTimeout(r, 300));
const r = await p.evaluate(async () => {
  const loop = 'let t=performance.now();let x=0;for(let i=0;i<3e8;i++)x+=i%7;postMessage(performance.now()-t)';
  const main = (() => { let t=performance.now();let x=0;for(let i=0;i<3e8;i++)x+=i%7;return performance.now()-t; })();
  const w = new Worker(URL.createObjectURL(new Blob([loop])));
  const wt = await new Promise(r => w.onmessage = e => r(e.data));
  return { main, worker: wt };
});
console.log(JSON.stringify(r));
await b.close(); process.exit(0);
