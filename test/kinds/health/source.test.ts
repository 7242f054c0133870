import {afterEach, describe, expect, it} from 'vitest';
import {checkService, parseDeepHealth, statusTone} from '../../../source/kinds/health/check.js';
import {startHealthSource} from '../../../source/kinds/health/source.js';
import {closedPort, startServer, type LocalServer} from '../../clients/local-server.js';
import type {HealthRow} from '../../../source/kinds/health/data.js';
import {waitFor} from '../../support/wait.js';
import {makeConfig, makeContext} from '../support.js';
import {healthData} from '../../../source/kinds/health/data.js';

let servers: LocalServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map(s => s.close()));
	servers = [];
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<LocalServer> {
	const server = await startServer(handler);
	servers.push(server);
	return server;
}

function json(body: unknown, status = 200) {
	return (_req: unknown, res: import('node:http').ServerResponse) => {
		res.statusCode = status;
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify(body));
	};
}

const service = (url: string, extra: Record<string, unknown> = {}) => makeConfig({services: [{name: 'api', health: url, ...extra}]}).services[0]!;
const signal = new AbortController().signal;

describe('parseDeepHealth', () => {
	it('reads a services map with latency_ms', () => {
		expect(parseDeepHealth({status: 'degraded', services: {mongodb: {status: 'unhealthy', latency_ms: 1200}, redis: {status: 'ok', latencyMs: 3}}})).toEqual([
			{name: 'mongodb', status: 'unhealthy', ok: false, latencyMs: 1200, tone: 'crit'},
			{name: 'redis', status: 'ok', ok: true, latencyMs: 3, tone: 'ok'},
		]);
	});

	it('reads checks, dependencies and arrays', () => {
		expect(parseDeepHealth({checks: {db: {status: 'pass', responseTime: 12}}})).toEqual([{name: 'db', status: 'pass', ok: true, latencyMs: 12, tone: 'ok'}]);
		expect(parseDeepHealth({dependencies: [{name: 'kafka', status: 'warn', latency: '1.5s'}]})).toEqual([{name: 'kafka', status: 'warn', ok: true, latencyMs: 1500, tone: 'warn'}]);
		expect(parseDeepHealth([{name: 'a', status: 'green'}, {name: 'b', status: 'red'}]).map(r => r.tone)).toEqual(['ok', 'crit']);
	});

	it('reads Spring Boot actuator and ASP.NET shapes', () => {
		expect(parseDeepHealth({status: 'UP', components: {db: {status: 'UP', details: {database: 'PostgreSQL'}}, diskSpace: {status: 'DOWN'}}})).toEqual([
			{name: 'db', status: 'UP', ok: true, tone: 'ok'},
			{name: 'diskSpace', status: 'DOWN', ok: false, tone: 'crit'},
		]);
		expect(parseDeepHealth({status: 'Healthy', entries: {sql: {status: 'Degraded', duration: '00:00:00.0250000'}}})).toEqual([{name: 'sql', status: 'Degraded', ok: true, latencyMs: 25, tone: 'warn'}]);
	});

	it('accepts plain string and boolean values, ignores bodies without dependencies', () => {
		expect(parseDeepHealth({services: {db: 'ok', cache: false}}).map(r => [r.name, r.tone])).toEqual([
			['db', 'ok'],
			['cache', 'crit'],
		]);
		expect(parseDeepHealth({status: 'ok'})).toEqual([]);
		expect(parseDeepHealth('OK')).toEqual([]);
		expect(parseDeepHealth(null)).toEqual([]);
	});

	it('classifies status words', () => {
		for (const word of ['ok', 'healthy', 'UP', 'pass', 'green']) expect(statusTone(word)).toBe('ok');
		for (const word of ['degraded', 'warn']) expect(statusTone(word)).toBe('warn');
		for (const word of ['down', 'unhealthy', 'fail', 'whatever']) expect(statusTone(word)).toBe('crit');
	});
});

describe('checkService', () => {
	it('reports status, latency and dependencies', async () => {
		const server = await serve(json({status: 'ok', services: {db: {status: 'ok', latency_ms: 4}}}));
		const row = await checkService(service(`${server.url}/health`), signal);
		expect(row).toMatchObject({name: 'api', ok: true, status: 200, tone: 'ok', dependencies: [{name: 'db', ok: true, latencyMs: 4}]});
		expect(row.latencyMs).toBeGreaterThanOrEqual(0);
	});

	it('carries the deployment the service names, when it names one, on answers and failures alike', async () => {
		const server = await serve(json({status: 'ok'}));
		expect((await checkService(service(server.url, {deployment: 'api-v2'}), signal)).deployment).toBe('api-v2');
		expect(await checkService(service(server.url), signal)).not.toHaveProperty('deployment');
		expect((await checkService(service('http://127.0.0.1:1/health', {deployment: 'api-v2'}), signal)).deployment).toBe('api-v2');
	});

	it('marks a 503 as unhealthy with the status line', async () => {
		const server = await serve(json({status: 'down'}, 503));
		const row = await checkService(service(server.url), signal);
		expect(row).toMatchObject({ok: false, status: 503, tone: 'crit', detail: 'HTTP 503 Service Unavailable'});
	});

	it('marks a 200 with an unhealthy overall status as unhealthy', async () => {
		const server = await serve(json({status: 'unhealthy', services: {mongodb: {status: 'unhealthy', latency_ms: 1200}}}));
		const row = await checkService(service(server.url), signal);
		expect(row).toMatchObject({ok: false, tone: 'crit', detail: 'status unhealthy'});
		expect(row.dependencies[0]).toMatchObject({name: 'mongodb', ok: false, latencyMs: 1200});
	});

	it('a failing dependency behind a healthy answer makes the row a warning', async () => {
		const server = await serve(json({services: {mongodb: {status: 'down'}}}));
		const row = await checkService(service(server.url), signal);
		expect(row).toMatchObject({ok: true, tone: 'warn', detail: 'mongodb down'});
	});

	it('applies latency thresholds', async () => {
		const server = await serve(json({status: 'ok'}));
		// The slow server waits 30 ms before answering, so its latency is above criticalMs 5 whatever the machine.
		const slow = await serve((_req, res) => {
			const timer = setTimeout(() => res.end('ok'), 30);
			res.on('close', () => clearTimeout(timer));
		});
		expect((await checkService(service(server.url, {warnMs: 60_000, criticalMs: 120_000}), signal)).tone).toBe('ok');
		const row = await checkService(service(slow.url, {warnMs: 1, criticalMs: 5}), signal);
		expect(row).toMatchObject({ok: true, tone: 'crit'});
		expect(row.detail).toMatch(/^slow: /);
	});

	it('grades a dependency’s latency by the service’s warnMs/criticalMs, or by its own from the config', async () => {
		const server = await serve(json({status: 'ok', dependencies: [{name: 'payments', status: 'ok', latency_ms: 800}, {name: 'postgres', status: 'ok', latency_ms: 4}]}));
		const row = await checkService(service(server.url, {warnMs: 500, criticalMs: 2000}), signal);
		expect(row.dependencies.map(d => [d.name, d.tone])).toEqual([
			['payments', 'warn'],
			['postgres', 'ok'],
		]);
		expect(row.dependencies[0]).toMatchObject({ok: true, detail: 'slow: 800 ms'});
		expect(row).toMatchObject({ok: true, tone: 'warn', detail: 'payments slow: 800 ms'});
		const own = await checkService(service(server.url, {warnMs: 500, criticalMs: 2000, dependencies: {payments: {warnMs: 1000, criticalMs: 3000}}}), signal);
		expect(own.dependencies.map(d => d.tone)).toEqual(['ok', 'ok']);
		const critical = await checkService(service(server.url, {warnMs: 100, criticalMs: 700}), signal);
		expect(critical.dependencies[0]).toMatchObject({tone: 'crit', ok: true});
		// A critical dependency behind a healthy answer is a warning on the service, as a failing one is.
		expect(critical).toMatchObject({ok: true, tone: 'warn'});
	});

	it('reports a timeout, a refused connection and a DNS failure as unhealthy rows', async () => {
		const hang = await serve(() => {});
		const timeout = await checkService(service(hang.url, {timeoutMs: 100}), signal);
		expect(timeout).toMatchObject({ok: false, tone: 'crit', detail: `timeout after 100 ms (${hang.url}/)`});
		const port = await closedPort();
		expect((await checkService(service(`http://127.0.0.1:${port}/health`), signal)).detail).toBe(`connection refused (127.0.0.1:${port})`);
		expect((await checkService(service('http://nonexistent.invalid/health', {timeoutMs: 5000}), signal)).detail).toBe('DNS lookup failed for nonexistent.invalid');
	});

	it('treats a non-JSON 200 as healthy without dependencies', async () => {
		const server = await serve((_req, res) => res.end('OK'));
		expect(await checkService(service(server.url), signal)).toMatchObject({ok: true, status: 200, dependencies: []});
	});
});

describe('startHealthSource', () => {
	it('writes rows to the store and one signal per flip, not per poll', async () => {
		let healthy = true;
		let polls = 0;
		const server = await serve((_req, res) => {
			polls++;
			res.statusCode = healthy ? 200 : 503;
			res.end(healthy ? 'ok' : 'down');
		});
		const ctx = makeContext(makeConfig({services: [{name: 'api', health: server.url}], refresh: {healthMs: 20}}));
		const stop = startHealthSource(ctx);
		try {
			await waitFor(() => healthData.of(ctx.store.getState())[0]?.ok === true, {message: 'first healthy row'});
			expect(ctx.signals()).toEqual([]); // a healthy first observation is not a flip
			healthy = false;
			await waitFor(() => healthData.of(ctx.store.getState())[0]?.ok === false, {message: 'unhealthy row'});
			const after = polls;
			await waitFor(() => polls >= after + 3, {message: 'more polls while unhealthy'});
			expect(ctx.signals()).toHaveLength(1);
			expect(ctx.signals()[0]).toMatchObject({kind: 'health.flip', level: 'crit', message: 'api unhealthy: HTTP 503 Service Unavailable', subject: 'api'});
			healthy = true;
			await waitFor(() => ctx.signals().length === 2, {message: 'recovery flip'});
			expect(ctx.signals()[1]).toMatchObject({kind: 'health.flip', level: 'ok', subject: 'api'});
			expect(ctx.store.getState().feeds.health?.status).toBe('ok');
		} finally {
			stop();
		}
	});

	it('reports an unhealthy first observation, once', async () => {
		const port = await closedPort();
		const ctx = makeContext(makeConfig({services: [{name: 'db', health: `http://127.0.0.1:${port}/`}], refresh: {healthMs: 20}}));
		const stop = startHealthSource(ctx);
		try {
			await waitFor(() => ctx.signals().length === 1, {message: 'first unhealthy signal'});
			const checkedAt = healthData.of(ctx.store.getState())[0]!.checkedAt;
			await waitFor(() => healthData.of(ctx.store.getState())[0]!.checkedAt > checkedAt + 40 || null, {message: 'later polls'});
			expect(ctx.signals()).toEqual([{kind: 'health.flip', level: 'crit', message: `db unhealthy: connection refused (127.0.0.1:${port})`, subject: 'db'}]);
		} finally {
			stop();
		}
	});

	it('keeps the last dependency rows when the service stops answering, marked stale with when they were read', async () => {
		let up = true;
		const server = await serve((req, res) => {
			if (!up) return void req.socket.destroy();
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({status: 'ok', dependencies: {postgres: {status: 'ok', latency_ms: 4}, payments: {status: 'degraded', latency_ms: 30}}}));
		});
		const ctx = makeContext(makeConfig({services: [{name: 'checkout', health: server.url}], refresh: {healthMs: 20}}));
		const stop = startHealthSource(ctx);
		try {
			// The last check the service answered, whichever poll that turns out to be.
			let answered: HealthRow | undefined;
			const unsubscribe = ctx.store.subscribe(state => {
				if (healthData.of(state)[0]?.status === 200) answered = healthData.of(state)[0];
			});
			await waitFor(() => answered, {message: 'a good answer'});
			up = false;
			const failed = await waitFor(() => (healthData.of(ctx.store.getState())[0]?.ok === false ? healthData.of(ctx.store.getState())[0] : null), {message: 'the failed check'});
			unsubscribe();
			if (!answered) throw new Error('no good answer seen');
			expect(failed.detail).toMatch(/connection reset|socket hang up/);
			expect(failed.lastAnswerAt).toBe(answered.checkedAt);
			expect(failed.dependencies).toEqual([
				{name: 'postgres', status: 'ok', ok: true, latencyMs: 4, tone: 'muted', stale: true, checkedAt: answered.checkedAt},
				{name: 'payments', status: 'degraded', ok: true, latencyMs: 30, tone: 'muted', stale: true, checkedAt: answered.checkedAt},
			]);
			// Later failures keep them, and their time, until the service answers again.
			const checkedAt = failed.checkedAt;
			const later = await waitFor(() => (healthData.of(ctx.store.getState())[0]!.checkedAt > checkedAt ? healthData.of(ctx.store.getState())[0] : null), {message: 'a later check'});
			expect(later.dependencies.map(d => d.checkedAt)).toEqual([answered.checkedAt, answered.checkedAt]);
			up = true;
			const back = await waitFor(() => (healthData.of(ctx.store.getState())[0]?.ok ? healthData.of(ctx.store.getState())[0] : null), {message: 'answering again'});
			expect(back.dependencies.every(d => !d.stale)).toBe(true);
		} finally {
			stop();
		}
	});

	it('does not repeat a flip still being written when the source is restarted', async () => {
		const port = await closedPort();
		const ctx = makeContext(makeConfig({services: [{name: 'db', health: `http://127.0.0.1:${port}/`}], refresh: {healthMs: 20}}));
		// A journal slow to fsync: an event lands in the timeline only when the test lets it.
		let release: Array<() => void> = [];
		const slowAppend = (async (type, data) => {
			await new Promise<void>(resolve => release.push(resolve));
			return ctx.append(type, data);
		}) as typeof ctx.append;
		const first = startHealthSource({...ctx, append: slowAppend});
		await waitFor(() => release.length === 1, {message: 'the flip asked for'});
		first();
		const second = startHealthSource({...ctx, append: slowAppend});
		try {
			const checkedAt = healthData.of(ctx.store.getState())[0]!.checkedAt;
			await waitFor(() => healthData.of(ctx.store.getState())[0]!.checkedAt > checkedAt + 40 || null, {message: 'the restarted source polled'});
			for (const write of release.splice(0)) write();
			await waitFor(() => ctx.signals().length > 0, {message: 'written'});
			expect(ctx.signals()).toHaveLength(1);
			expect(release).toEqual([]);
		} finally {
			second();
			for (const write of release) write();
			release = [];
		}
	});

	it('does not repeat a flip already in the timeline (restart)', async () => {
		const port = await closedPort();
		const ctx = makeContext(makeConfig({services: [{name: 'db', health: `http://127.0.0.1:${port}/`}], refresh: {healthMs: 20}}));
		await ctx.append('signal', {kind: 'health.flip', level: 'crit', message: 'db unhealthy: earlier', subject: 'db'});
		const stop = startHealthSource(ctx);
		try {
			await waitFor(() => healthData.of(ctx.store.getState()).length === 1, {message: 'a row'});
			expect(ctx.signals()).toHaveLength(1);
		} finally {
			stop();
		}
	});
});
