import { capacityChartSvg, niceCeiling } from './capacity-chart';

describe('capacity chart', () => {
  it('rounds axes up to readable maxima', () => {
    expect([0.7, 3, 7, 12, 180, 2600].map(niceCeiling)).toEqual([1, 5, 10, 20, 200, 5000]);
  });

  it('draws throughput and p99 against the steps, the target line and the knee', () => {
    const steps = [
      { connections: 1, requestsPerSecond: 100, p50Ms: 5, p99Ms: 20, errorRatio: 0 },
      { connections: 4, requestsPerSecond: 350, p50Ms: 8, p99Ms: 90, errorRatio: 0 },
      { connections: 16, requestsPerSecond: 400, p50Ms: 30, p99Ms: 400, errorRatio: 0 },
    ];
    const svg = capacityChartSvg(steps, 250, steps[1], 'mix <test>');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('mix &lt;test&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('p99 target 250 ms');
    expect(svg).toContain('350 req/s at p99 90 ms');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});
