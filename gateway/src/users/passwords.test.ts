import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('accepts the password it hashed and rejects any other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
  });

  it('salts every hash, so equal passwords do not show as equal hashes', async () => {
    assert.notEqual(await hashPassword('same password twice'), await hashPassword('same password twice'));
  });

  it('records the memory-hard cost in the hash so it can be raised later', async () => {
    assert.match(await hashPassword('a long enough password'), /^scrypt\$32768\$8\$1\$/);
  });

  it('never accepts a malformed stored hash', async () => {
    assert.equal(await verifyPassword('anything', 'plain-text'), false);
  });
});
