/**
 * `--var` values reach a runbook script as data: the real cockpit in a real terminal, a runbook
 * whose script puts the variable inside double quotes, `x` then `y`, and a canary file that exists
 * only if something in the value ran.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startCli, scriptFound, type CliTerminal} from '../support/cli-terminal.js';
import {cliTestTimeoutMs} from './run-cli.js';

let cli: CliTerminal | undefined;
afterEach(async () => {
	await cli?.close();
	cli = undefined;
});

describe.runIf(scriptFound)('--var values in a runbook script', () => {
	it(
		'x, y on a step whose script has "{{pod}}": a $(…) value is echoed, not run, and an ordinary value still works',
		async () => {
			const runbook = [
				'id: describe-pod',
				'title: Describe pod',
				'steps:',
				'  - id: describe',
				'    title: Describe the pod',
				'    script: echo "checking pod {{pod}} in {{ns}}" > out.txt',
				'',
			].join('\n');
			cli = startCli(['--runbook', 'describe-pod.yaml', '--var', 'pod=$(touch pwned)', '--var', 'ns=shop'], {files: {'describe-pod.yaml': runbook}});
			const home = cli.home;
			await cli.shown('Describe the pod', 'the runbook');
			cli.type('4');
			await cli.shown('▶ 4 Runbook', 'the Runbook pane focused');
			cli.type('x');
			await cli.event(e => e.type === 'action.requested', 'the confirmation');
			await cli.shown('Run: Describe the pod?', 'the confirmation drawn');
			const confirmation = await cli.screen();
			cli.type('y');
			await cli.event(e => e.type === 'action.succeeded' || e.type === 'action.failed', 'the script to end');
			expect(existsSync(path.join(home, 'pwned')), 'the value ran').toBe(false);
			expect(readFileSync(path.join(home, 'out.txt'), 'utf8')).toBe('checking pod $(touch pwned) in shop\n');
			// The confirmation marked the value as data, quoted.
			expect(confirmation).toContain('{{pod}} = "$(touch pwned)" contains shell syntax');
		},
		cliTestTimeoutMs,
	);
});
