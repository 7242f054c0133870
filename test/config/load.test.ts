import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {configPath, parseConfig, LocatedError} from '../../source/config/load.js';

describe('config', () => {
	it('parses the minimal shape with defaults', () => {
		const config = parseConfig(
			[
				'prometheus: { url: http://127.0.0.1:9090 }',
				'kubernetes: { context: prod-eu, namespace: shop, production: true }',
				'services:',
				'  - { name: api, health: http://127.0.0.1:8080/health, deployment: api, scrape: http://127.0.0.1:8080/metrics }',
				'runbook: high-error-rate',
			].join('\n'),
			'incident.yaml',
		);
		expect(config.services[0]).toMatchObject({name: 'api', timeoutMs: 2000});
		expect(config.kubernetes).toMatchObject({context: 'prod-eu', production: true});
		expect(config.refresh.healthMs).toBe(5000);
	});

	it('names file, line and key of a schema error', () => {
		const text = ['services:', '  - name: api', '    health: not-a-url', ''].join('\n');
		expect(() => parseConfig(text, '/etc/incident.yaml')).toThrowError(/^\/etc\/incident\.yaml:3:13: services\[0\]\.health: Invalid url/);
	});

	it('names an unknown key', () => {
		try {
			parseConfig('prometheus:\n  url: http://p:9090\n  tokn: x\n', 'c.yaml');
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(LocatedError);
			expect((error as LocatedError).message).toBe("c.yaml:2:3: prometheus: unknown key 'tokn'");
		}
	});

	it('names the line of a YAML syntax error', () => {
		expect(() => parseConfig('services:\n  - name: api\n   bad: [\n', 'c.yaml')).toThrowError(/^c\.yaml:\d+:\d+: /);
	});
});

describe('paths in the config', () => {
	it('expand ~ to the home directory and read relative paths from the config file\'s directory', () => {
		const config = parseConfig(
			[
				'prometheus: {url: https://prom:9090, ca: certs/ca.pem, bearerTokenFile: ~/prom-token}',
				'alertmanager: {url: https://am:9093, passwordFile: /run/secrets/am}',
				'kubernetes: {kubeconfig: ~/.kube/config}',
				'services:',
				'  - {name: api, health: https://api/health, ca: ../ca/api.pem}',
				'  - {name: web, health: http://web/health}',
				'runbooks: [runbooks, /srv/runbooks]',
				'runbook: runbooks/checkout.md',
				'stateDir: state',
			].join('\n'),
			'/etc/incident-tui/incident.yaml',
		);
		const home = os.homedir();
		expect(config.prometheus).toMatchObject({ca: '/etc/incident-tui/certs/ca.pem', bearerTokenFile: path.join(home, 'prom-token')});
		expect(config.alertmanager?.passwordFile).toBe('/run/secrets/am');
		expect(config.kubernetes?.kubeconfig).toBe(path.join(home, '.kube/config'));
		expect(config.services.map(s => s.ca)).toEqual(['/etc/ca/api.pem', undefined]);
		expect(config.runbooks).toEqual(['/etc/incident-tui/runbooks', '/srv/runbooks']);
		expect(config.runbook).toBe('/etc/incident-tui/runbooks/checkout.md');
		expect(config.stateDir).toBe('/etc/incident-tui/state');
	});

	it('leave a built-in runbook id as it is', () => {
		expect(parseConfig('runbook: bad-deploy\n', '/etc/incident.yaml').runbook).toBe('bad-deploy');
		expect(configPath('~', '/etc', '/home/op')).toBe('/home/op');
		expect(configPath('~op/x', '/etc', '/home/op'), 'only ~ and ~/ are expanded').toBe('/etc/~op/x');
	});
});

describe('config aliases', () => {
	it('locates an alias whose anchor does not exist instead of throwing a bare ReferenceError', () => {
		expect(() => parseConfig('title: x\nservices:\n  - *missing\n', 'c.yaml')).toThrowError(/^c\.yaml:3:5: /);
	});
});

describe('config file problems', () => {
	it('says "no such file" for a missing config', async () => {
		const {loadConfig} = await import('../../source/config/load.js');
		await expect(loadConfig('/nonexistent/incident.yaml')).rejects.toThrowError('/nonexistent/incident.yaml: cannot read config: no such file');
	});
});

describe('config limits: checked before parsing', () => {
	it('refuses a 10 MB config at once, naming the limit and where the file passes it, without reading all of it', async () => {
		const {mkdtemp, rm, writeFile} = await import('node:fs/promises');
		const {loadConfig} = await import('../../source/config/load.js');
		const dir = await mkdtemp(path.join(os.tmpdir(), 'incident-tui-config-'));
		try {
			const file = path.join(dir, 'incident.yaml');
			// 10 MB of services: today this takes ~10 s and 1.3 GB before a schema error.
			const text = `services:\n${'  - {name: api, health: "http://127.0.0.1:8080/health"}\n'.repeat(190_000)}`;
			await writeFile(file, text);
			const error = await loadConfig(file).then(
				() => expect.unreachable(),
				(e: unknown) => e as LocatedError,
			);
			expect(error).toBeInstanceOf(LocatedError);
			expect(error.file).toBe(file);
			// The line holding the first byte past 256 KiB.
			expect(error.line).toBe(text.slice(0, 256 * 1024).split('\n').length);
			expect(error.problem).toBe('the config passes 256 KiB on this line (it is 10.1 MiB); a config may be at most 256 KiB');
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	it('refuses text over the limit handed to parseConfig too', () => {
		expect(() => parseConfig(`title: ${'x'.repeat(300_000)}\n`, 'c.yaml')).toThrowError(/^c\.yaml:1: the config passes 256 KiB on this line/);
	});

	it('refuses YAML nested more than 64 levels deep with its line, not "Maximum call stack size exceeded"', () => {
		expect(() => parseConfig(`title: x\nservices: ${'['.repeat(1000)}${']'.repeat(1000)}\n`, 'c.yaml')).toThrowError(/^c\.yaml:2:\d+: YAML nested more than 64 levels deep$/);
		const block = Array.from({length: 100}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
		expect(() => parseConfig(`${block} x\n`, 'c.yaml')).toThrowError(/^c\.yaml:65:\d+: YAML nested more than 64 levels deep$/);
		expect(() => parseConfig(`services:\n  ${'- '.repeat(200)}x\n`, 'c.yaml')).toThrowError(/^c\.yaml:2:\d+: YAML nested more than 64 levels deep$/);
		// Nesting inside a block scalar or a quoted string is text.
		expect(parseConfig(`title: "${'['.repeat(200)}"\nredact:\n  - |\n    ${'{'.repeat(200)}\n`, 'c.yaml').title).toBe('['.repeat(200));
	});

	it('refuses more than 100 aliases (a "billion laughs" config) with the line', () => {
		const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');
		expect(() => parseConfig(`${laughs}\n`, 'c.yaml')).toThrowError(/^c\.yaml:\d+:\d+: Excessive alias count indicates a resource exhaustion attack \(at most 100 aliases\)$/);
	});
});
