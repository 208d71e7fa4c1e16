import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) that self time is read from. */
interface CpuProfile {
  nodes: { id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
}

/** One function's share of the samples. */
export interface SelfTime {
  name: string;
  percent: number;
}

/** Self time per function (name, file and line), largest first; `(idle)` and `(program)` samples are left out of the total. */
export function selfTimes(profile: CpuProfile, root = process.cwd()): SelfTime[] {
  const byName = new Map<string, number>();
  let total = 0;
  for (const { hitCount = 0, callFrame } of profile.nodes) {
    if (hitCount === 0 || callFrame.functionName === '(idle)' || callFrame.functionName === '(program)') continue;
    const file = callFrame.url.startsWith('file://') ? relative(root, new URL(callFrame.url).pathname) : callFrame.url;
    const name = `${callFrame.functionName || '(anonymous)'} ${file ? `${file}:${callFrame.lineNumber + 1}` : ''}`.trim();
    byName.set(name, (byName.get(name) ?? 0) + hitCount);
    total += hitCount;
  }
  return [...byName].map(([name, hits]) => ({ name, percent: (100 * hits) / total })).sort((a, b) => b.percent - a.percent);
}

/** `node dist/tools/bench/cpu-profile-summary.js <file.cpuprofile> [top]`: the top self-time items as a Markdown table. */
function main(): void {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [top]');
  const rows = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile).slice(0, Number(top));
  process.stdout.write(['| self % | function |', '|---:|---|', ...rows.map(({ name, percent }) => `| ${percent.toFixed(1)} | \`${name}\` |`), ''].join('\n'));
}

if (process.argv[1]?.endsWith('cpu-profile-summary.js')) main();
