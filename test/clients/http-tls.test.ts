import {copyFile, mkdir, mkdtemp, rm} from 'node:fs/promises';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {HttpError, httpGet} from '../../source/clients/http.js';
import {Endpoint} from '../../source/clients/prometheus.js';
import {hasOpenssl, selfSignedCertificate} from '../support/tls.js';


describe.skipIf(!hasOpenssl)('httpGet over TLS with a private CA', () => {
	let dir: string;
	let server: https.Server;
	let url: string;
	let certPath: string;

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'http-tls-'));
		const certificate = selfSignedCertificate(dir);
		certPath = certificate.certPath;
		server = https.createServer({key: certificate.key, cert: certificate.cert}, (_req, res) => res.end('secure'));
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
		expect((await httpGet(url, {timeoutMs: 3000, ca: certPath})).body).toBe('secure');
	});

	it('skips verification when asked', async () => {
		expect((await httpGet(url, {timeoutMs: 3000, insecureSkipVerify: true})).body).toBe('secure');
	});

	it('keeps a CA file read by one session for that session only: a session started after it changed reads the new one', async () => {
		const caFile = join(dir, 'rotated-ca.pem');
		await copyFile(certPath, caFile);
		const signal = new AbortController().signal;
		const first = new Endpoint({url, ca: caFile, timeoutMs: 3000}, 'Prometheus');
		expect((await first.get('', {}, signal)).response.body).toBe('secure');
		// The file now holds another CA, one that did not sign the server's certificate.
		const other = join(dir, 'other');
		await mkdir(other);
		await copyFile(selfSignedCertificate(other).certPath, caFile);
		server.closeAllConnections();
		const second = new Endpoint({url, ca: caFile, timeoutMs: 3000}, 'Prometheus');
		const error = await second.get('', {}, signal).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HttpError);
		expect((error as HttpError).kind).toBe('tls');
		// The first session keeps what it read when it started.
		expect((await first.get('', {}, signal)).response.body).toBe('secure');
	});
});
