import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** PromQL keywords and Grafana variables: words in an expression that are not metric names. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** The metric (or recorded series) names an expression reads. */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .filter((match) => !/^\s*\(/.test(bare.slice(match.index + match[0].length)))
    .map((match) => match[0]);
  return [...new Set(names.filter((name) => !KEYWORDS.has(name.toLowerCase())))];
}

/** The `expr:` of each rule in a rules file as this repository writes them (one line, or a `|` block). */
export function ruleExpressions(yamlText: string): { name: string; expr: string }[] {
  const lines = yamlText.split('\n');
  const found: { name: string; expr: string }[] = [];
  let name = '';
  for (let i = 0; i < lines.length; i++) {
    const named = /^\s*-\s*(?:alert|record):\s*(\S+)/.exec(lines[i]);
    if (named) name = named[1];
    const expr = /^(\s*)expr:\s*(.*)$/.exec(lines[i]);
    if (!expr) continue;
    if (expr[2].trim() !== '|') {
      found.push({ name, expr: expr[2].trim() });
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1].trim() === '' || lines[i + 1].search(/\S/) > expr[1].length)) block.push(lines[++i].trim());
    found.push({ name, expr: block.join(' ').trim() });
  }
  return found;
}

/**
 * Metric families the apps and libs define: the `name` of each prom-client metric made with
 * `metrics.counter/gauge/histogram({ name })` or `new Counter/Gauge/Histogram/Summary({ name })`.
 * Histograms also expose `_bucket`, `_count` and `_sum`.
 */
export function metricsDefinedInSources(root: string, folders = ['apps', 'libs']): Set<string> {
  const names = new Set<string>();
  const definition = /(?:\.(counter|gauge|histogram)|new (Counter|Gauge|Histogram|Summary))\(\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g;
  const visit = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) {
        if (entry !== 'node_modules' && entry !== 'test') visit(full);
      } else if (full.endsWith('.ts') && !full.endsWith('.spec.ts')) {
        for (const match of readFileSync(full, 'utf8').matchAll(definition)) {
          const kind = (match[1] ?? match[2]).toLowerCase();
          names.add(match[3]);
          if (kind === 'histogram' || kind === 'summary') for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${match[3]}${suffix}`);
        }
      }
    }
  };
  for (const folder of folders) visit(join(root, folder));
  return names;
}
