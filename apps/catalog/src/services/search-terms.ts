const IGNORED = /[\s\p{P}\p{S}]+/gu;

function normalise(text: string): string[] {
  return [...text.normalize('NFKC').toLowerCase().replace(IGNORED, '')];
}

/** The terms a title is indexed under: every character and every pair of adjacent characters (CJK-friendly n-grams). */
export function titleSearchTerms(title: string): string[] {
  const chars = normalise(title);
  const terms = new Set(chars);
  for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i] + chars[i + 1]);
  return [...terms];
}

/** The terms a query must all match: its character pairs, or its one character. */
export function querySearchTerms(query: string): string[] {
  const chars = normalise(query);
  if (chars.length <= 1) return chars;
  const terms = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i] + chars[i + 1]);
  return [...terms];
}
