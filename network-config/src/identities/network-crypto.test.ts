import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadNetworkDescription, type NetworkDescription } from '../network-description';
import { generateNetworkCrypto, loadNetworkCrypto, NetworkCryptoError, type NetworkCrypto } from './network-crypto';
import { x509 } from './x509-library';

const description = (): NetworkDescription => loadNetworkDescription(undefined, {});

// Generated once for the checks that only read it; tests that change material work on a copy.
let generatedDir: string;
let generated: NetworkCrypto;

before(async () => {
  generatedDir = mkdtempSync(join(tmpdir(), 'network-crypto-'));
  generated = await generateNetworkCrypto(description(), generatedDir);
});

after(() => rmSync(generatedDir, { recursive: true, force: true }));

/** A private copy of the generated material, removed afterwards. */
async function withCopy<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'network-crypto-copy-'));
  try {
    cpSync(generatedDir, dir, { recursive: true });
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withScratchDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'network-crypto-scratch-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file and folder under `root`, relative and sorted; folders end in '/'. */
function tree(root: string): string[] {
  const entries: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        entries.push(`${relative(root, path)}/`);
        walk(path);
      } else {
        entries.push(relative(root, path));
      }
    }
  };
  walk(root);
  return entries.sort();
}

/** Path → content and modification time, to show a second run changes nothing. */
function snapshot(root: string): Map<string, string> {
  return new Map(tree(root).filter((entry) => !entry.endsWith('/')).map((entry) => {
    const path = join(root, entry);
    return [entry, `${statSync(path).mtimeMs}:${readFileSync(path, 'utf8')}`];
  }));
}

function localMspTree(name: string, ca: string, tlsca: string, tlsPrefix: 'server' | 'client'): string[] {
  return [
    `${name}/`,
    `${name}/msp/`, `${name}/msp/admincerts/`, `${name}/msp/cacerts/`, `${name}/msp/cacerts/${ca}-cert.pem`, `${name}/msp/config.yaml`,
    `${name}/msp/keystore/`, `${name}/msp/keystore/priv_sk`, `${name}/msp/signcerts/`, `${name}/msp/signcerts/${name.split('/').at(-1)}-cert.pem`,
    `${name}/msp/tlscacerts/`, `${name}/msp/tlscacerts/${tlsca}-cert.pem`,
    `${name}/tls/`, `${name}/tls/ca.crt`, `${name}/tls/${tlsPrefix}.crt`, `${name}/tls/${tlsPrefix}.key`,
  ];
}

function organizationTree(domain: string, members: string[][]): string[] {
  const ca = `ca.${domain}`;
  const tlsca = `tlsca.${domain}`;
  return [
    'ca/', `ca/${ca}-cert.pem`, 'ca/priv_sk',
    'msp/', 'msp/admincerts/', 'msp/cacerts/', `msp/cacerts/${ca}-cert.pem`, 'msp/config.yaml', 'msp/tlscacerts/', `msp/tlscacerts/${tlsca}-cert.pem`,
    'tlsca/', 'tlsca/priv_sk', `tlsca/${tlsca}-cert.pem`,
    ...members.flatMap(([folder, name, prefix]) => [`${folder}/`, ...localMspTree(`${folder}/${name}`, ca, tlsca, prefix as 'server' | 'client')]),
  ].filter((entry, index, all) => all.indexOf(entry) === index).sort();
}

test('writes exactly the folders cryptogen writes for peer and orderer organisations', () => {
  const network = description();
  const dir = generatedDir;
  assert.deepEqual(readdirSync(dir).sort(), ['ordererOrganizations', 'peerOrganizations']);
  assert.deepEqual(readdirSync(join(dir, 'peerOrganizations')).sort(), network.departments.map((d) => d.domain).sort());
  for (const { domain } of network.departments) {
    assert.deepEqual(tree(join(dir, 'peerOrganizations', domain)), organizationTree(domain, [
      ['peers', `peer0.${domain}`, 'server'],
      ['users', `Admin@${domain}`, 'client'],
      ['users', `User1@${domain}`, 'client'],
    ]));
  }
  const { domain } = network.orderer;
  assert.deepEqual(tree(join(dir, 'ordererOrganizations', domain)), organizationTree(domain, [
    ['orderers', `orderer0.${domain}`, 'server'],
    ['orderers', `orderer1.${domain}`, 'server'],
    ['orderers', `orderer2.${domain}`, 'server'],
    ['users', `Admin@${domain}`, 'client'],
  ]));
});

test('config.yaml enables NodeOUs with every role keyed to the organisation CA, as cryptogen writes it', () => {
  const department = generated.departments[0]!;
  const caFile = `cacerts/ca.${department.domain}-cert.pem`;
  const expected = ['client', 'peer', 'admin', 'orderer'].reduce(
    (yaml, role) => `${yaml}  ${role.charAt(0).toUpperCase()}${role.slice(1)}OUIdentifier:\n    Certificate: ${caFile}\n    OrganizationalUnitIdentifier: ${role}\n`,
    'NodeOUs:\n  Enable: true\n',
  );
  assert.equal(readFileSync(join(department.mspDir, 'config.yaml'), 'utf8'), expected);
  assert.equal(readFileSync(join(department.peer.mspDir, 'config.yaml'), 'utf8'), expected);
});

interface Checked { label: string; pem: string; caPem: string; role?: string; sans?: string[]; keyPem: string }

function certificatesOf(crypto: NetworkCrypto): Checked[] {
  const checked: Checked[] = [];
  const add = (label: string, identity: { certificatePem: string; privateKeyPem: string; tls?: { certificatePem: string; privateKeyPem: string; caCertificatePem: string } }, caPem: string, tlsCaPem: string, role: string, sans?: string[]) => {
    checked.push({ label, pem: identity.certificatePem, caPem, role, keyPem: identity.privateKeyPem });
    if (identity.tls) {
      assert.equal(identity.tls.caCertificatePem, tlsCaPem, `${label} tls/ca.crt is the TLS CA`);
      checked.push({ label: `${label} TLS`, pem: identity.tls.certificatePem, caPem: tlsCaPem, sans, keyPem: identity.tls.privateKeyPem });
    }
  };
  for (const d of crypto.departments) {
    add(d.peer.name, d.peer, d.caCertificatePem, d.tlsCaCertificatePem, 'peer', [d.peer.name, 'peer0', 'localhost', '127.0.0.1']);
    add(d.admin.name, d.admin, d.caCertificatePem, d.tlsCaCertificatePem, 'admin');
    add(d.client.name, d.client, d.caCertificatePem, d.tlsCaCertificatePem, 'client');
  }
  const o = crypto.orderer;
  o.nodes.forEach((node, i) => add(node.name, node, o.caCertificatePem, o.tlsCaCertificatePem, 'orderer', [node.name, `orderer${i}`, 'localhost', '127.0.0.1']));
  add(o.admin.name, o.admin, o.caCertificatePem, o.tlsCaCertificatePem, 'admin');
  return checked;
}

/** S of a DER ECDSA signature `30 len 02 rlen r 02 slen s`. */
function signatureS(der: Uint8Array): bigint {
  const rLength = der[3] as number;
  const sLength = der[5 + rLength] as number;
  return BigInt(`0x${Buffer.from(der.subarray(6 + rLength, 6 + rLength + sLength)).toString('hex')}`);
}

test('every certificate chains to its CA, carries its NodeOU role, matches its key and has a low-S signature', () => {
  const crypto = generated;
  const halfOrder = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;
  const checked = certificatesOf(crypto);
  assert.equal(checked.length, 3 * 6 + 4 * 2);
  for (const { label, pem, caPem, role, sans, keyPem } of checked) {
    const certificate = new X509Certificate(pem);
    const ca = new X509Certificate(caPem);
    assert.ok(ca.ca, `${label}: its CA is a CA`);
    assert.ok(certificate.checkIssued(ca) && certificate.verify(ca.publicKey), `${label} is signed by ${ca.subject}`);
    assert.ok(certificate.checkPrivateKey(createPrivateKey(keyPem)), `${label} matches its private key`);
    assert.equal(certificate.ca, false);
    const leaf = new x509.X509Certificate(pem);
    assert.deepEqual(leaf.subjectName.getField('OU'), role === undefined ? [] : [role], `${label} OU`);
    assert.equal(leaf.subjectName.getField('CN')[0], label.replace(/ TLS$/, ''));
    const aki = leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
    assert.equal(aki, new x509.X509Certificate(caPem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId, `${label} AKI is its CA's SKI`);
    assert.ok(signatureS(new Uint8Array(leaf.signature)) <= halfOrder, `${label} signature is low-S`);
    if (sans !== undefined) {
      assert.equal(certificate.subjectAltName, sans.map((san) => (/^\d/.test(san) ? `IP Address:${san}` : `DNS:${san}`)).join(', '));
    }
  }
});

test('openssl parses every certificate and verifies it against its CA file', async () => {
  await withScratchDir(async (dir) => {
    const crypto = generated;
    for (const [index, { label, pem, caPem }] of certificatesOf(crypto).entries()) {
      const certFile = join(dir, `check-${index}.pem`);
      const caFile = join(dir, `check-${index}-ca.pem`);
      writeFileSync(certFile, pem);
      writeFileSync(caFile, caPem);
      const text = spawnSync('openssl', ['x509', '-noout', '-text', '-in', certFile], { encoding: 'utf8' });
      assert.equal(text.status, 0, `${label}: ${text.stderr}`);
      assert.match(text.stdout, /Signature Algorithm: ecdsa-with-SHA256/);
      assert.match(text.stdout, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
      const verify = spawnSync('openssl', ['verify', '-CAfile', caFile, certFile], { encoding: 'utf8' });
      assert.equal(verify.status, 0, `${label}: ${verify.stdout}${verify.stderr}`);
      assert.match(verify.stdout, /: OK/);
    }
    const caText = spawnSync('openssl', ['x509', '-noout', '-text', '-in', join(crypto.departments[0]!.mspDir, 'cacerts', `ca.${crypto.departments[0]!.domain}-cert.pem`)], { encoding: 'utf8' });
    assert.match(caText.stdout, /Key Usage: critical\s+Digital Signature, Key Encipherment, Certificate Sign, CRL Sign/);
    assert.match(caText.stdout, /CA:TRUE/);
    assert.match(caText.stdout, /Subject Key Identifier/);
  });
});

test('private keys are PKCS#8 PEM readable by their owner only', () => {
  const dir = generatedDir;
  const written = tree(dir).filter((entry) => entry.endsWith('priv_sk') || entry.endsWith('.key'));
  assert.equal(written.length, 3 * (2 + 3 * 2) + (2 + 4 * 2));
  for (const entry of written) {
    assert.equal(statSync(join(dir, entry)).mode & 0o777, 0o600, entry);
    assert.match(readFileSync(join(dir, entry), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  }
});

test('a second run keeps everything as it is and returns the same material', async () => {
  await withCopy(async (dir) => {
    const first = loadNetworkCrypto(description(), dir);
    const before = snapshot(dir);
    const second = await generateNetworkCrypto(description(), dir);
    assert.deepEqual(snapshot(dir), before);
    assert.deepEqual(second, first);
    assert.deepEqual(loadNetworkCrypto(description(), dir), first);
  });
});

test('a department added to the description gets its folders; the others are untouched', async () => {
  await withCopy(async (dir) => {
    const network = description();
    const before = snapshot(dir);
    const grown = structuredClone(network);
    grown.departments.push({ mspId: 'TaxBureauMSP', name: 'Tax Bureau', nameZh: '税务局', domain: 'tax.citytrust.local', peerPort: 7451 });
    const crypto = await generateNetworkCrypto(grown, dir);
    const after = snapshot(dir);
    for (const [path, content] of before) assert.equal(after.get(path), content, path);
    const added = [...after.keys()].filter((path) => !before.has(path));
    assert.ok(added.length > 0 && added.every((path) => path.startsWith('peerOrganizations/tax.citytrust.local/')), added.join('\n'));
    assert.equal(crypto.departments[3]?.peer.name, 'peer0.tax.citytrust.local');
    assert.equal(crypto.departments[3]?.client.name, 'User1@tax.citytrust.local');
  });
});

test('a missing user is regenerated by the next run; loading without generating says what to do', async () => {
  await withCopy(async (dir) => {
    const network = description();
    const first = loadNetworkCrypto(network, dir);
    const domain = network.departments[1]!.domain;
    rmSync(join(dir, 'peerOrganizations', domain, 'users', `User1@${domain}`), { recursive: true });
    assert.throws(() => loadNetworkCrypto(network, dir), (error: unknown) => error instanceof NetworkCryptoError && /run generateNetworkCrypto/.test(error.message));
    const second = await generateNetworkCrypto(network, dir);
    assert.notEqual(second.departments[1]!.client.certificatePem, first.departments[1]!.client.certificatePem);
    assert.equal(second.departments[1]!.peer.certificatePem, first.departments[1]!.peer.certificatePem);
    assert.ok(new X509Certificate(second.departments[1]!.client.certificatePem).verify(new X509Certificate(first.departments[1]!.caCertificatePem).publicKey));
    assert.deepEqual(readdirSync(join(dir, 'peerOrganizations', domain, 'users')).sort(), [`Admin@${domain}`, `User1@${domain}`]);
  });
});
