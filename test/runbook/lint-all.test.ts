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

	it('a config given to it is named as a config, with the command that checks it', async () => {
		const file = path.join(dir, 'incident.yaml');
		await writeFile(file, 'services:\n  - {name: api, health: http://127.0.0.1:8080/health}\nprometheus: {url: http://127.0.0.1:9090}\nkubernetes: {namespace: shop}\n');
		const [result] = await lintRunbooks([file], {checkCommand: config => `npx incident-tui check --config ${config}`});
		expect(result!.errors).toEqual([
			{line: 1, message: `this is an incident-tui config (it has 'services', 'prometheus', 'kubernetes'), not a runbook: check it with npx incident-tui check --config ${file}`},
		]);
	});
});
