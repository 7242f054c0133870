import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

/** Whether this machine can make test certificates (tests that need one skip without it). */
export const hasOpenssl = existsSync('/usr/bin/openssl');

/**
 * A throwaway self-signed certificate for 127.0.0.1 (it is its own CA), written to `dir` as
 * key.pem and cert.pem.
 */
export function selfSignedCertificate(dir: string): {key: Buffer; cert: Buffer; keyPath: string; certPath: string} {
	const keyPath = join(dir, 'key.pem');
	const certPath = join(dir, 'cert.pem');
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {stdio: 'ignore'});
	return {key: readFileSync(keyPath), cert: readFileSync(certPath), keyPath, certPath};
}
