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
