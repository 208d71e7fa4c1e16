import { StepResult } from './sizing';

const W = 820;
const H = 440;
const M = { left: 70, right: 80, top: 50, bottom: 60 };

/** Rounds `value` up to a readable axis maximum (1, 2, 2.5, 5 × 10^n). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG line chart of throughput (left axis) and p99 (right axis) against the offered load (connections). */
export function capacityChartSvg(steps: StepResult[], p99TargetMs: number, knee: StepResult | undefined, title: string): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const rpsMax = niceCeiling(Math.max(...steps.map((step) => step.requestsPerSecond)) * 1.05);
  const msMax = niceCeiling(Math.max(p99TargetMs, ...steps.map((step) => step.p99Ms)) * 1.05);
  const x = (i: number) => M.left + (steps.length === 1 ? plotW / 2 : (i * plotW) / (steps.length - 1));
  const yRps = (rps: number) => M.top + plotH - (rps / rpsMax) * plotH;
  const yMs = (ms: number) => M.top + plotH - (Math.min(ms, msMax) / msMax) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`);
  for (let tick = 0; tick <= 5; tick++) {
    const y = M.top + plotH - (tick * plotH) / 5;
    out.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 8}" y="${y + 4}" text-anchor="end" fill="#1f77b4">${Math.round((rpsMax * tick) / 5)}</text>`);
    out.push(`<text x="${M.left + plotW + 8}" y="${y + 4}" fill="#d62728">${Math.round((msMax * tick) / 5)}</text>`);
  }
  steps.forEach((step, i) => out.push(`<text x="${x(i)}" y="${M.top + plotH + 18}" text-anchor="middle">${step.connections}</text>`));
  out.push(
    `<text x="${M.left + plotW / 2}" y="${H - 18}" text-anchor="middle">offered load: concurrent connections (each sends its next request when the last is answered)</text>`,
  );
  out.push(`<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#1f77b4">throughput, requests/s</text>`);
  out.push(`<text transform="translate(${W - 14} ${M.top + plotH / 2}) rotate(90)" text-anchor="middle" fill="#d62728">p99 latency, ms</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  const targetY = yMs(p99TargetMs);
  out.push(`<line x1="${M.left}" y1="${targetY}" x2="${M.left + plotW}" y2="${targetY}" stroke="#d62728" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${M.left + plotW - 6}" y="${targetY - 6}" text-anchor="end" fill="#d62728">p99 target ${p99TargetMs} ms</text>`);
  const path = (points: [number, number][]) => points.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  out.push(`<path d="${path(steps.map((step, i) => [x(i), yRps(step.requestsPerSecond)]))}" fill="none" stroke="#1f77b4" stroke-width="2.5"/>`);
  out.push(`<path d="${path(steps.map((step, i) => [x(i), yMs(step.p99Ms)]))}" fill="none" stroke="#d62728" stroke-width="2.5"/>`);
  steps.forEach((step, i) => {
    out.push(`<circle cx="${x(i).toFixed(1)}" cy="${yRps(step.requestsPerSecond).toFixed(1)}" r="3.5" fill="#1f77b4"/>`);
    out.push(`<circle cx="${x(i).toFixed(1)}" cy="${yMs(step.p99Ms).toFixed(1)}" r="3.5" fill="#d62728"/>`);
  });
  if (knee) {
    const i = steps.indexOf(knee);
    out.push(`<circle cx="${x(i).toFixed(1)}" cy="${yRps(knee.requestsPerSecond).toFixed(1)}" r="9" fill="none" stroke="#2ca02c" stroke-width="2.5"/>`);
    out.push(
      `<text x="${x(i).toFixed(1)}" y="${(yRps(knee.requestsPerSecond) - 14).toFixed(1)}" text-anchor="middle" fill="#2ca02c" font-weight="bold">${Math.round(knee.requestsPerSecond)} req/s at p99 ${Math.round(knee.p99Ms)} ms</text>`,
    );
  }
  out.push(
    `<g transform="translate(${M.left + 10} ${M.top + 14})"><line x1="0" y1="0" x2="22" y2="0" stroke="#1f77b4" stroke-width="2.5"/><text x="28" y="4">throughput</text><line x1="110" y1="0" x2="132" y2="0" stroke="#d62728" stroke-width="2.5"/><text x="138" y="4">p99</text></g>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
