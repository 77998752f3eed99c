#!/usr/bin/env node
// Text flame summary of a V8 .cpuprofile (node --cpu-prof): self time by function, by module, and
// inclusive time of the frames named with --focus. Used for the token endpoint's profile (issue 19 §1;
// bench/README.md "Profile"). Usage:
//   node bench/profile-summary.mjs /tmp/prof/CPU.….cpuprofile [--top 30] [--focus name,name] [--last 10]
// --last S keeps only the last S seconds before the first idle gap at the end (the measured load, not
// the start-up and set-up).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, focus: { type: 'string', default: '' }, last: { type: 'string', default: '0' } } });
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from the samples and their time deltas.
const times = [];
let clock = profile.startTime;
for (const d of profile.timeDeltas) times.push((clock += d));
let from = -Infinity;
let to = Infinity;
if (Number(values.last) > 0) {
  // The end of the load: the last sample that is not idle (shutdown is short).
  let end = times.length - 1;
  while (end > 0 && nodes.get(profile.samples[end]).callFrame.functionName === '(idle)') end--;
  to = times[end];
  from = to - Number(values.last) * 1e6;
}
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i] < from || times[i] > to) continue;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
let total = 0;
let idle = 0;
for (const [id, t] of self) {
  total += t;
  if (nodes.get(id).callFrame.functionName === '(idle)') idle += t;
}
const busy = total - idle;

const where = (cf) => {
  const url = cf.url.replace(/^file:\/\//, '');
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node (js)';
  const d = /\/dist\/(.*)$/.exec(url);
  if (d) return `tessera ${d[1].split('/').slice(0, 2).join('/')}`;
  return url ? url.split('/').slice(-2).join('/') : `(native/${cf.functionName || 'anonymous'})`;
};
const label = (cf) => `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '')}:${cf.lineNumber + 1}` : ''}`.trim();

const byFn = new Map();
const byModule = new Map();
for (const [id, t] of self) {
  const cf = nodes.get(id).callFrame;
  if (cf.functionName === '(idle)') continue;
  byFn.set(label(cf), (byFn.get(label(cf)) ?? 0) + t);
  byModule.set(where(cf), (byModule.get(where(cf)) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)} %`;
const top = Number(values.top);
console.log(`samples ${profile.samples.length}, ${(total / 1e6).toFixed(1)} s profiled, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)} % of it; percentages below are of busy time)`);
console.log('\nself time by module:');
for (const [k, t] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${k}`);
console.log('\nself time by function:');
for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${k}`);

// Inclusive time: a frame counts once per sample even when it recurses.
if (values.focus) {
  const names = values.focus.split(',');
  const incl = new Map(names.map((n) => [n, 0]));
  for (const [id, t] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = nodes.get(cur).callFrame.functionName;
      if (incl.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        incl.set(fn, incl.get(fn) + t);
      }
    }
  }
  console.log('\ninclusive time of focused frames:');
  for (const [k, t] of incl) console.log(`  ${pct(t)}  ${k}`);
}
