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

/**
 * A client certificate for user `user` (its CN, as kube-apiserver reads it) signed by a throwaway
 * CA, written to `dir`: the CA's certificate is what the server trusts (--client-ca-file).
 */
export function clientCertificate(dir: string, user: string): {ca: Buffer; cert: Buffer; key: Buffer} {
	const file = (name: string) => join(dir, name);
	const run = (args: string[]) => execFileSync('openssl', args, {stdio: 'ignore'});
	run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('client-ca.key'), '-out', file('client-ca.pem'), '-days', '1', '-subj', '/CN=test-client-ca']);
	run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('client.key'), '-out', file('client.csr'), '-subj', `/O=test-group/CN=${user}`]);
	run(['x509', '-req', '-in', file('client.csr'), '-CA', file('client-ca.pem'), '-CAkey', file('client-ca.key'), '-CAcreateserial', '-out', file('client.pem'), '-days', '1']);
	return {ca: readFileSync(file('client-ca.pem')), cert: readFileSync(file('client.pem')), key: readFileSync(file('client.key'))};
}
