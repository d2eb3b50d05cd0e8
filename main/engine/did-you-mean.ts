// "Did you mean …?" for a mistyped command, option or machine name: the closest known word by
// edit distance, when it is close enough to be a typo.

// Edit distance where swapping two neighbouring letters ("wbe" for "web") is one edit (the
// optimal string alignment distance).
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

export function closest(word: string, known: readonly string[]): string | null {
  // A word cut short ("recon") means the one it begins.
  const begun = word.length >= 3 ? known.filter((k) => k.toLowerCase().startsWith(word.toLowerCase())) : [];
  if (begun.length === 1) return begun[0]!;
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { word: string; d: number } | null = null;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { word: k, d };
  }
  return best?.word ?? null;
}

/** "; did you mean 'status'?" or nothing. */
export function didYouMean(word: string, known: readonly string[]): string {
  const c = closest(word, known);
  return c ? `; did you mean '${c}'?` : '';
}
