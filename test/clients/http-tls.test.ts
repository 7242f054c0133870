import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {HttpError, httpGet} from '../../source/clients/http.js';

const hasOpenssl = existsSync('/usr/bin/openssl');

describe.skipIf(!hasOpenssl)('httpGet over TLS with a private CA', () => {
	let dir: string;
	let server: https.Server;
	let url: string;

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'http-tls-'));
		// A throwaway self-signed certificate for 127.0.0.1 (it is its own CA).
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {stdio: 'ignore'});
		server = https.createServer({key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem'))}, (_req, res) => res.end('secure'));
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
	});

	afterAll(async () => {
		server?.closeAllConnections();
		await new Promise(resolve => server?.close(resolve));
		await rm(dir, {recursive: true, force: true});
	});

	it('rejects an unknown CA with a TLS error that says what to configure', async () => {
		const error = await httpGet(url, {timeoutMs: 3000}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HttpError);
		expect((error as HttpError).kind).toBe('tls');
		expect((error as HttpError).message).toMatch(/^TLS error for 127\.0\.0\.1: .*\(set ca: or insecureSkipVerify: in the config\)$/);
	});

	it('trusts the CA file given as ca', async () => {
		expect((await httpGet(url, {timeoutMs: 3000, ca: join(dir, 'cert.pem')})).body).toBe('secure');
	});

	it('skips verification when asked', async () => {
		expect((await httpGet(url, {timeoutMs: 3000, insecureSkipVerify: true})).body).toBe('secure');
	});
});
