import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { identityNumberProblem } from './identity-number';
import { newSubjectKeyDeriver } from './subject-key';

// A well-formed, made-up number (GB 11643 check character 'X'); no real person is meant.
const identityNumber = '11010519491231002X';

describe('identity numbers', () => {
  it('accepts a number whose check character matches', () => {
    assert.equal(identityNumberProblem(identityNumber), undefined);
  });

  it('refuses a typo that breaks the check character', () => {
    assert.match(identityNumberProblem('110105194912310021') ?? '', /check character/);
  });

  it('refuses anything that is not 17 digits and a check character', () => {
    assert.match(identityNumberProblem('1101051949') ?? '', /17 digits/);
  });
});

describe('subject keys', () => {
  const deriver = newSubjectKeyDeriver(randomBytes(32));

  it('are the same for the same person however the number was typed', () => {
    assert.equal(deriver.derive(identityNumber), deriver.derive(` ${identityNumber.toLowerCase()} `));
  });

  it('do not contain or reveal the identity number', () => {
    const key = deriver.derive(identityNumber);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.ok(!key.includes('19491231'));
  });

  it('differ between gateway keys, so a guessed number cannot be tested without the key', () => {
    assert.notEqual(deriver.derive(identityNumber), newSubjectKeyDeriver(randomBytes(32)).derive(identityNumber));
  });

  it('refuse a malformed identity number with the reason', () => {
    assert.throws(() => deriver.derive('12345'), /17 digits/);
  });
});
