import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mod37_36CheckCharacter } from './iso7064';
import { formatLicenseIdentifier, LicenseIdentifierError, nextLicenseVersion, parseLicenseIdentifier } from './license-identifier';

const TYPE = '11320000MB12345675001';
const ISSUER = '11320000MB76543212';

describe('the GB/T 36904 e-license identifier', () => {
  test('checks out identifiers that issuing systems publish (ISO 7064 MOD 37,36 over the parts without dots)', () => {
    for (const published of [
      '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U',
      '1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0',
    ]) {
      const parsed = parseLicenseIdentifier(published);
      assert.equal(formatLicenseIdentifier(parsed), published);
    }
  });

  test('formats the root, type code, issuer, serial, three-digit version and check character, and parses it back', () => {
    const text = formatLicenseIdentifier({ typeCode: TYPE, issuerUscc: ISSUER, serial: 'A1B2C3', version: 1 });
    assert.equal(text, `1.2.156.3005.2.${TYPE}.${ISSUER}.A1B2C3.001.${mod37_36CheckCharacter(`${TYPE}${ISSUER}A1B2C3001`)}`);
    assert.deepEqual(parseLicenseIdentifier(text), { typeCode: TYPE, issuerUscc: ISSUER, serial: 'A1B2C3', version: 1 });
    assert.equal(parseLicenseIdentifier(formatLicenseIdentifier(nextLicenseVersion(parseLicenseIdentifier(text)))).version, 2);
  });

  test('catches every single mistyped character with the check character', () => {
    const text = formatLicenseIdentifier({ typeCode: TYPE, issuerUscc: ISSUER, serial: 'A1B2C3', version: 1 });
    const check = text.at(-1)!;
    const other = check === 'A' ? 'B' : 'A';
    assert.throws(() => parseLicenseIdentifier(`${text.slice(0, -1)}${other}`), (error: unknown) => error instanceof LicenseIdentifierError && error.part === 'check' && /mistyped or altered/.test(error.message));
    const serialAltered = text.replace('.A1B2C3.', '.A1B2C4.');
    assert.throws(() => parseLicenseIdentifier(serialAltered), (error: unknown) => error instanceof LicenseIdentifierError && error.part === 'check');
  });

  test('names the part that is wrong', () => {
    const cases: Array<[string, LicenseIdentifierError['part']]> = [
      ['2.16.156.1.X', 'root'],
      [`1.2.156.3005.2.${TYPE}.${ISSUER}.001.U`, 'structure'],
      [`1.2.156.3005.2.${TYPE}.${ISSUER}.A1.000.U`, 'version'],
      [`1.2.156.3005.2.11320000MB12345670001.${ISSUER}.A1.001.U`, 'typeCode'],
      [`1.2.156.3005.2.${TYPE}.11320000MB76543210.A1.001.U`, 'issuerUscc'],
      [`1.2.156.3005.2.${TYPE}.${ISSUER}.a1.001.U`, 'serial'],
    ];
    for (const [text, part] of cases) {
      assert.throws(() => parseLicenseIdentifier(text), (error: unknown) => error instanceof LicenseIdentifierError && error.part === part, text);
    }
  });
});
