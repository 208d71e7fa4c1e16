import { metricNamesIn, ruleExpressions } from './promql-names';

describe('metricNamesIn', () => {
  it('finds the series an expression reads, not its functions, labels, ranges or keywords', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service",route!~"/health/.*"}[$__rate_interval])))',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
    expect(metricNamesIn('a:b:rate5m / on (service, method) c_total > 0.05 and d unless e offset 5m')).toEqual(['a:b:rate5m', 'c_total', 'd', 'e']);
    expect(metricNamesIn('max by (instance) (x_bytes) or max by (instance) (y_bytes{device!~"lo|veth.*"} > 0)')).toEqual(['x_bytes', 'y_bytes']);
  });
});

describe('ruleExpressions', () => {
  it('reads one-line and block expressions with their rule names', () => {
    const text = [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - record: a:b',
      '        expr: sum(x)',
      '      - alert: Y',
      '        expr: |',
      '          rate(z[5m])',
      '            > 1',
      '        for: 1m',
      '',
    ].join('\n');
    expect(ruleExpressions(text)).toEqual([
      { name: 'a:b', expr: 'sum(x)' },
      { name: 'Y', expr: 'rate(z[5m]) > 1' },
    ]);
  });
});
