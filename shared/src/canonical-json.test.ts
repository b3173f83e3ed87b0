import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { canonicalJson, canonicalJsonBytes, CanonicalJsonError } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and drops white space', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 0, y: 1 }], c: 'x' } }), '{"a":{"c":"x","d":[3,{"y":1,"z":0}]},"b":1}');
  });

  it('gives the same bytes whatever order the keys were inserted in', () => {
    assert.deepEqual(canonicalJsonBytes({ dept: 'MarketRegulationMSP', seq: 2 }), canonicalJsonBytes({ seq: 2, dept: 'MarketRegulationMSP' }));
  });

  it('matches the RFC 8785 example for numbers, strings and key order', () => {
    // RFC 8785 §3.2.2 / appendix: keys sorted by UTF-16 code unit, ES number formatting.
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    assert.equal(
      canonicalJson(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    assert.equal(canonicalJson([333333333.33333329, 1e30, 4.5e-7, 0.002, -0]), '[333333333.3333333,1e+30,4.5e-7,0.002,0]');
  });

  it('keeps Chinese text as UTF-8, not escaped', () => {
    assert.equal(canonicalJsonBytes({ name: '无锡市大数据管理局' }).toString('utf8'), '{"name":"无锡市大数据管理局"}');
  });

  it('refuses values that have no JSON form, naming where they are', () => {
    assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), (e: unknown) => e instanceof CanonicalJsonError && e.path === '$.a[1]');
    assert.throws(() => canonicalJson({ a: undefined }), /\$\.a canonically: undefined has no JSON form/);
    assert.throws(() => canonicalJson({ at: new Date(0) }), /Date object has no canonical form/);
    assert.throws(() => canonicalJson({ n: 1n }), /bigint/);
  });

  it('refuses a value that contains itself instead of recursing forever', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => canonicalJson(loop), /contains itself/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { k: 1 };
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"k":1},"b":{"k":1}}');
  });
});
