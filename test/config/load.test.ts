import {describe, expect, it} from 'vitest';
import {parseConfig, LocatedError} from '../../source/config/load.js';

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
