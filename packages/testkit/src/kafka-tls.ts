import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files for a broker's TLS listener and its clients, made by openssl in the test's own folder. */
export interface KafkaTestCertificates {
  readonly dir: string;
  /** The CA that signed the broker's certificate: what KAFKA_TLS_CA_FILE names. */
  readonly caFile: string;
  /** A CA that signed nothing the broker shows: a client trusting only it must refuse the broker. */
  readonly otherCaFile: string;
  /** The broker's key and certificate (for localhost and 127.0.0.1) with the CA, as PKCS#12. */
  readonly keystoreFile: string;
  readonly keystorePassword: string;
}

// Our own minimal configuration, so the system's openssl.cnf (which differs between
// distributions) adds no extensions of its own.
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[broker]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as Error & { code?: string; stderr?: Buffer };
    if (failure.code === 'ENOENT') {
      throw new Error('openssl is not installed (scripts/system-deps.sh installs it)', { cause: error });
    }
    throw new Error(`openssl ${args[0] ?? ''} failed: ${failure.stderr?.toString() ?? failure.message}`, {
      cause: error,
    });
  }
}

/** An EC P-256 key: quick to make, and both Java's and Node's TLS take it. */
const newKey = (file: string, cwd: string) =>
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd);

function newCa(name: string, cwd: string): void {
  newKey(`${name}.key`, cwd);
  openssl(
    [
      'req',
      '-x509',
      '-config',
      'openssl.cnf',
      '-extensions',
      'ca',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=Sitrep test ${name}`,
      '-days',
      '2',
      '-out',
      `${name}.pem`,
    ],
    cwd,
  );
}

/** A CA, a broker certificate it signs for loopback, and an unrelated CA. Valid for two days. */
export function createKafkaTestCertificates(dir: string): KafkaTestCertificates {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'openssl.cnf'), OPENSSL_CONFIG);
  newCa('ca', dir);
  newCa('other-ca', dir);
  newKey('broker.key', dir);
  openssl(
    ['req', '-new', '-config', 'openssl.cnf', '-key', 'broker.key', '-subj', '/CN=localhost', '-out', 'broker.csr'],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'broker.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '2',
      '-extfile',
      'openssl.cnf',
      '-extensions',
      'broker',
      '-out',
      'broker.pem',
    ],
    dir,
  );
  const keystorePassword = randomBytes(12).toString('hex');
  openssl(
    [
      'pkcs12',
      '-export',
      '-in',
      'broker.pem',
      '-inkey',
      'broker.key',
      '-certfile',
      'ca.pem',
      '-name',
      'broker',
      '-passout',
      `pass:${keystorePassword}`,
      '-out',
      'broker.p12',
    ],
    dir,
  );
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    keystoreFile: join(dir, 'broker.p12'),
    keystorePassword,
  };
}
