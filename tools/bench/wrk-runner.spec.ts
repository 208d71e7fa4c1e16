import { parseWrkReport } from './wrk-runner';

const REPORT = `Running 8s test @ http://127.0.0.1:3201/api/catalog/home
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.21ms  300.00us   9.87ms   90.12%
    Req/Sec    26.51k     1.02k   28.00k    80.00%
  Latency Distribution
     50%    1.15ms
     75%    1.30ms
     90%    1.50ms
     99%  850.00us
  211234 requests in 8.00s, 1.20GB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 3
Requests/sec:  26400.12
Transfer/sec:    150.00MB
`;

describe('parseWrkReport', () => {
  it('reads throughput, percentiles in ms and errors', () => {
    expect(parseWrkReport(REPORT)).toEqual({ requests: 211234, requestsPerSecond: 26400.12, p50Ms: 1.15, p99Ms: 0.85, non2xx: 3, socketErrors: 7 });
  });

  it('reads no socket errors when wrk reports none', () => {
    expect(parseWrkReport(REPORT.replace(/ {2}Socket errors.*\n/, '')).socketErrors).toBe(0);
  });
});
