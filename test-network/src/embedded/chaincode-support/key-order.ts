/**
 * Orders state keys as Fabric does: Go compares strings byte by byte, and keys are UTF-8, so the
 * read and write sets are sorted in UTF-8 byte order. JavaScript's `<` compares UTF-16 code
 * units, which agrees except that characters above U+FFFF (stored as surrogate pairs,
 * U+D800–U+DFFF) sort below U+E000–U+FFFF. Every endorser must produce the same bytes, so the
 * difference matters.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates above U+E000–U+FFFF, which puts code units in code point (= UTF-8) order. */
function utf8Rank(codeUnit: number): number {
  if (codeUnit < 0xd800) return codeUnit;
  return codeUnit < 0xe000 ? codeUnit + 0x2000 : codeUnit - 0x800;
}

/** The map's keys in Fabric's order. */
export function sortedKeys(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort(compareKeys);
}
