/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP]`: where a `node --cpu-prof` profile
 * spent its time, as self time per package (node_modules/<name>, node internals, the project's
 * own files, garbage collection) and the top functions, so a profile can be read without a
 * browser.
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function group(url: string, name: string): string {
  if (name === '(garbage collector)' || name === '(program)' || name === '(idle)') return name;
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'project';
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/profile-summary.ts FILE.cpuprofile [TOP]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const busy = total - [...self.entries()].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
const groups = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, time] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const g = group(url, functionName);
  groups.set(g, (groups.get(g) ?? 0) + time);
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*wt-[^/]+\//, '')}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + time);
}
const pct = (t: number) => `${((100 * t) / busy).toFixed(1)}%`.padStart(6);
console.log(`busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled; self time by package (share of busy time):`);
for (const [g, t] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 20)) if (g !== '(idle)') console.log(`${pct(t)}  ${g}`);
console.log('\ntop functions by self time:');
for (const [f, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
  if (!f.startsWith('(idle)')) console.log(`${pct(t)}  ${f}`);
