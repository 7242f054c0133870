import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {parseConfig} from '../../source/config/load.js';
import {syncSchema} from '../../source/config/schema.js';
import {connectionLabel, describeSyncError, resolveSyncConnection} from '../../source/sync/connection.js';
import {createRedactor} from '../../source/timeline/redact.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'sync-conn-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('the sync: section of the config', () => {
	it('takes a connection string, a file or an environment variable, and names the bad key', () => {
		const file = path.join(dir, 'incident.yaml');
		expect(parseConfig('sync: {postgres: "postgres://app@db:5432/incidents"}\n', file).sync).toMatchObject({postgres: 'postgres://app@db:5432/incidents', pollMs: 2000, timeoutMs: 10_000});
		// A relative file is relative to the config's directory, as every path in it.
		expect(parseConfig('sync: {postgres: {file: secrets/pg}, ca: ca.pem}\n', file).sync).toMatchObject({postgres: {file: path.join(dir, 'secrets/pg')}, ca: path.join(dir, 'ca.pem')});
		expect(parseConfig('sync: {postgres: {env: PG_URL}}\n', file).sync?.postgres).toEqual({env: 'PG_URL'});
		expect(() => parseConfig('sync:\n  postgres: "mysql://root:hunter2@db/x"\n', file)).toThrow(/incident\.yaml:2:\d+: sync\.postgres/);
		try {
			parseConfig('sync:\n  postgres: "mysql://root:hunter2@db/x"\n', file);
		} catch (error) {
			expect((error as Error).message).not.toContain('hunter2');
		}
	});

	it('reads the connection string from its file or variable, and says which when it is missing', async () => {
		const file = path.join(dir, 'pg');
		await writeFile(file, 'postgres://app:s3cret-pw@db:5432/incidents\n');
		const fromFile = await resolveSyncConnection(syncSchema.parse({postgres: {file}}));
		expect(fromFile.connectionString).toBe('postgres://app:s3cret-pw@db:5432/incidents');
		expect(fromFile.label).toBe('postgres://app@db:5432/incidents');
		const fromEnv = await resolveSyncConnection(syncSchema.parse({postgres: {env: 'PG_URL'}}), {env: {PG_URL: 'postgresql://x@h/d'}});
		expect(fromEnv.label).toBe('postgresql://x@h/d');
		await expect(resolveSyncConnection(syncSchema.parse({postgres: {env: 'PG_URL'}}), {env: {}})).rejects.toThrow(/PG_URL is not set/);
		await expect(resolveSyncConnection(syncSchema.parse({postgres: {file: path.join(dir, 'none')}}))).rejects.toThrow(/cannot read the connection string from .*none: no such file/);
		await writeFile(file, 'host=db password=s3cret-pw\n');
		const refused = await resolveSyncConnection(syncSchema.parse({postgres: {file}})).catch((error: Error) => error.message);
		expect(refused).toMatch(/does not hold a connection string starting with postgres:\/\//);
		expect(refused).not.toContain('s3cret-pw');
	});

	it('never says the password, whatever quotes it: the URL, the password alone, its URL-encoded form', async () => {
		const connection = await resolveSyncConnection(syncSchema.parse({postgres: 'postgres://app:p%40ss%2Fw0rd-7@db:5432/incidents'}), {redact: createRedactor()});
		const said = describeSyncError(new Error('could not connect with p@ss/w0rd-7 to postgres://app:p%40ss%2Fw0rd-7@db:5432/incidents (p%40ss%2Fw0rd-7)'), connection);
		expect(said).not.toMatch(/w0rd-7/);
		expect(said).toMatch(/^postgres:\/\/app@db:5432\/incidents: could not connect/);
		expect(describeSyncError(Object.assign(new Error('permission denied for table incidents'), {code: '42501'}), connection)).toMatch(/lacks a grant; the README lists/);
		expect(connectionLabel('not a url')).toBe('postgres://(a connection string that is not a URL)');
	});
});
