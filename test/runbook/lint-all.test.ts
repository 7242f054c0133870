/**
 * `runbook lint` reports every mistake of a file in one run (a runbook with nine mistakes took seven
 * runs: the schema's first issue, then each check's first, were thrown one at a time), each at its
 * file:line:column; and a config given to it is named as one, with the command that checks it.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {formatLint, lintRunbooks} from '../../source/runbook/lint.js';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'rb-lint-all-'));
});
afterAll(async () => rm(dir, {recursive: true, force: true}));

const nineMistakes = `id: bad id
title: Nine mistakes
alerts: [{nam: HighErrorRate}]
variables:
  - {name: ns, default: prod, allowed: [staging]}
queries:
  - {id: q1, promql: 'sum(rate(x[5m])'}
  - {id: q1, promql: 'up'}
steps:
  - title: Look
    query: q9
  - title: Run
    command: [kubectl, get, pods, -n, '{{nmspace}}']
  - title: ''
  - title: Act
    action: {kind: rollbak}
`;

describe('runbook lint reports every mistake in one run', () => {
	it('a YAML runbook with nine mistakes: schema, references, PromQL and variables, each at its line', async () => {
		const file = path.join(dir, 'nine.yaml');
		await writeFile(file, nineMistakes);
		const [result] = await lintRunbooks([file]);
		const found = result!.errors.map(e => `${e.line}:${e.column ?? ''} ${e.message}`);
		expect(found).toEqual([
			"1:5 id: use letters, digits, _ . - (starting with a letter or digit)",
			"3:11 alerts[0]: unknown key 'nam'",
			"5:25 variables[0].default: default 'prod' is not one of the allowed values (staging)",
			// The column is the expression's own, as the message says.
			expect.stringMatching(/^7:16 query 'q1': PromQL syntax error: .* \(column 16 of the expression\)$/),
			"8:10 queries[1].id: duplicate query id 'q1'",
			"11:12 steps[0].query: unknown query id 'q9' (declared: q1)",
			expect.stringMatching(/^13: unknown variable \{\{nmspace\}\} in a command of step 'Run'/),
			'14:12 steps[2].title: a step needs a title',
			'16:20 steps[3].action.kind: kind must be rollback, scale or restart',
		]);
		expect(formatLint([result!])).toContain('1 file checked: 9 errors');
	});

	it('a Markdown runbook: every mistake of its front matter, and the steps and queries after it', async () => {
		const file = path.join(dir, 'front.md');
		await writeFile(
			file,
			[
				'---',
				'id: md-many',
				'severity: [1]',
				'variables:',
				'  - {name: 9bad}',
				'  - {name: ns, default: a, allowed: [b]}',
				'escalation: [{afterMinutes: -1, to: lead}]',
				'---',
				'# Many mistakes',
				'',
				'1. Restart it',
				'   ```bash',
				'   kubectl rollout restart deployment/{{deploymnet}} -n {{ns}}',
				'   ```',
				'',
				'```promql',
				'sum(rate(http_requests_total[5m])',
				'```',
				'',
			].join('\n'),
		);
		const [result] = await lintRunbooks([file]);
		const found = result!.errors.map(e => `${e.line} ${e.message}`);
		expect(found).toEqual([
			expect.stringMatching(/^3 severity: /),
			'5 variables[0].name: use letters, digits and _ (not starting with a digit)',
			"6 variables[1].default: default 'a' is not one of the allowed values (b)",
			expect.stringMatching(/^7 escalation\[0\]\.afterMinutes: Number must be greater than or equal to 0/),
			expect.stringMatching(/^13 unknown variable \{\{deploymnet\}\} in a command of step 'Restart it'/),
			expect.stringMatching(/^17 query '.*': PromQL syntax error/),
		]);
	});

	it('every syntax error of a YAML file, not the first', async () => {
		const file = path.join(dir, 'syntax.yaml');
		await writeFile(file, 'id: s\ntitle: [unclosed\nsteps:\n  - title: a\n    x: "unterminated\n');
		const [result] = await lintRunbooks([file]);
		expect(result!.errors.length).toBeGreaterThan(1);
		for (const error of result!.errors) expect(error.line).toBeGreaterThan(0);
	});

	it('a config given to it is named as a config and checked as one: every mistake, none of them "unknown keys services"', async () => {
		const file = path.join(dir, 'incident.yaml');
		await writeFile(
			file,
			[
				'services:',
				'  - {name: api, health: http://127.0.0.1:8080/health}',
				'  - {name: api, health: not-a-url, timeoutMs: -5}',
				'prometheus: {url: http://127.0.0.1:9090, ca: ./missing-ca.pem}',
				'kubernetes: {namespace: shop, contxt: prod}',
				'queries:',
				"  - {id: errors, promql: 'sum(rate(x[5m])'}",
				"redact: ['(unclosed']",
				'runbook: no-such-runbook',
				'',
			].join('\n'),
		);
		const [result] = await lintRunbooks([file], {checkCommand: config => `npx incident-tui check --config ${config}`});
		expect(result!.note).toBe(`an incident-tui config (it has 'services', 'prometheus', 'kubernetes', 'runbook', 'redact'), not a runbook: checked as a config; to try its endpoints too: npx incident-tui check --config ${file}`);
		const found = result!.errors.map(e => `${e.line}:${e.column ?? ''} ${e.message}`);
		expect(found).toEqual([
			"3:12 services[1].name: duplicate service name 'api'",
			'3:25 services[1].health: Invalid url',
			'3:47 services[1].timeoutMs: Number must be greater than 0',
			`4:46 prometheus.ca: cannot read ${path.join(dir, 'missing-ca.pem')}: no such file or directory`,
			"5:31 kubernetes: unknown key 'contxt'",
			// The column is the expression's own, as in a runbook.
			expect.stringMatching(/^7:16 queries\[0\]\.promql: query 'errors': PromQL syntax error/),
			expect.stringMatching(/^8:10 redact\[0\]: not a regular expression: /),
			expect.stringMatching(/^9:10 runbook: no runbook with this id and no such file; known runbooks: .*bad-deploy/),
		]);
		const text = formatLint([result!]);
		expect(text).not.toMatch(/unknown keys? 'services'/);
		expect(text.startsWith(`${file}: note: an incident-tui config`)).toBe(true);
		expect(text).toContain('1 file checked: 8 errors');
	});

	it('a valid config is checked clean', async () => {
		const file = path.join(dir, 'good.yaml');
		await writeFile(file, 'services:\n  - {name: api, health: http://127.0.0.1:8080/health}\nprometheus: {url: http://127.0.0.1:9090}\nkubernetes: {namespace: shop}\nrunbook: bad-deploy\n');
		const [result] = await lintRunbooks([file]);
		expect(result!.note).toMatch(/^an incident-tui config/);
		expect(result!.errors).toEqual([]);
	});
});
