/**
 * `openpgp` (v6) is an ES module, and this package compiles to CommonJS: it is loaded with a real
 * dynamic import, once, and only by the exports and checks that encrypt or decrypt, so neither
 * the gateway's start nor the CLI's other commands pay for it.
 */
export type OpenPgp = typeof import('openpgp', { with: { 'resolution-mode': 'import' } });

let loaded: Promise<OpenPgp> | undefined;

export function loadOpenPgp(): Promise<OpenPgp> {
  loaded ??= import('openpgp');
  return loaded;
}
