import {readFile, mkdir, writeFile, copyFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {cliTestTimeoutMs, repoRoot, runCli, tempDir} from './run-cli.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'cli');
const markdownFixture = path.join(fixtures, 'queue-backlog.md');

let home: string;
let remove: () => Promise<void>;
beforeEach(async () => {
	({dir: home, remove} = await tempDir('runbook'));
});
afterEach(async () => {
	await remove();
});

/** 1-based number of the only line of `text` that, trimmed, equals `content` (fails when not exactly one). */
function lineOf(text: string, content: string): number {
	const lines = text.split('\n').map(l => l.trim());
	const found = lines.flatMap((l, i) => (l === content ? [i + 1] : []));
	expect(found, `exactly one line '${content}' in the fixture`).toHaveLength(1);
	return found[0]!;
}

describe('incident-tui runbook inspect', {timeout: cliTestTimeoutMs}, () => {
	it('prints what the Markdown importer understood, with 1-based source lines', async () => {
		const text = await readFile(markdownFixture, 'utf8');
		const result = await runCli(['runbook', 'inspect', markdownFixture, '--json'], {home});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const inspected = JSON.parse(result.stdout) as Record<string, unknown>;
		expect(Object.keys(inspected).sort()).toEqual(['alerts', 'commands', 'fences', 'items', 'queries', 'requests', 'sections', 'severity', 'severityGuidance', 'steps', 'title', 'variables']);

		const depthQuery = 'sum by (queue) (queue_depth{queue="orders"})';
		const drainQuery = 'rate(orders_processed_total[5m])';
		const getPods = 'kubectl -n shop get pods -l app=order-worker';
		const restart = 'kubectl -n shop rollout restart deployment/order-worker';
		expect(inspected).toEqual({
			title: 'Order queue backing up',
			severity: 'SEV2',
			alerts: ['QueueBacklogHigh'],
			sections: [
				{title: 'Triage', level: 2, line: lineOf(text, '## Triage'), text: []},
				{title: 'Mitigate', level: 2, line: lineOf(text, '## Mitigate'), text: []},
				{title: 'Verify', level: 3, line: lineOf(text, '### Verify'), text: []},
			],
			steps: [
				{title: 'Look at how deep the queue is', section: 'Triage', line: lineOf(text, '- [ ] Look at how deep the queue is'), checkbox: true, queries: [depthQuery], commands: [], text: [], class: 'step', rule: 'checkbox', reason: 'checklist item', requests: []},
				{title: 'Check that the workers are running', section: 'Triage', line: lineOf(text, '- [ ] Check that the workers are running'), checkbox: true, queries: [], commands: [getPods], text: [], class: 'step', rule: 'checkbox', reason: 'checklist item', requests: []},
				{title: 'Restart the workers', section: 'Mitigate', line: lineOf(text, '1. Restart the workers'), checkbox: false, queries: [], commands: [restart], text: [], class: 'step', rule: 'numbered', reason: 'numbered list', requests: []},
				{title: 'Tell the support channel what is going on', section: 'Mitigate', line: lineOf(text, '2. Tell the support channel what is going on'), checkbox: false, queries: [], commands: [], text: [], class: 'step', rule: 'numbered', reason: 'numbered list', requests: []},
				{title: 'Watch the drain rate', section: 'Verify', line: lineOf(text, '- [ ] Watch the drain rate'), checkbox: true, queries: [drainQuery], commands: [], text: [], class: 'step', rule: 'checkbox', reason: 'checklist item', requests: []},
			],
			// A query's or command's line is the line of its text inside the fence.
			queries: [
				{promql: depthQuery, section: 'Triage', line: lineOf(text, depthQuery)},
				{promql: drainQuery, section: 'Verify', line: lineOf(text, drainQuery)},
			],
			commands: [
				{run: getPods, lang: 'bash', section: 'Triage', line: lineOf(text, getPods), template: getPods, variables: [], sets: []},
				{run: restart, lang: 'bash', section: 'Mitigate', line: lineOf(text, restart), template: restart, variables: [], sets: []},
			],
			// Every list item with the rule that made it a step; every fence and what it became.
			items: [
				{text: 'Look at how deep the queue is', line: lineOf(text, '- [ ] Look at how deep the queue is'), section: 'Triage', class: 'step', rule: 'checkbox', reason: 'checklist item'},
				{text: 'Check that the workers are running', line: lineOf(text, '- [ ] Check that the workers are running'), section: 'Triage', class: 'step', rule: 'checkbox', reason: 'checklist item'},
				{text: 'Restart the workers', line: lineOf(text, '1. Restart the workers'), section: 'Mitigate', class: 'step', rule: 'numbered', reason: 'numbered list'},
				{text: 'Tell the support channel what is going on', line: lineOf(text, '2. Tell the support channel what is going on'), section: 'Mitigate', class: 'step', rule: 'numbered', reason: 'numbered list'},
				{text: 'Watch the drain rate', line: lineOf(text, '- [ ] Watch the drain rate'), section: 'Verify', class: 'step', rule: 'checkbox', reason: 'checklist item'},
			],
			fences: [
				{line: lineOf(text, depthQuery) - 1, lang: 'promql', kind: 'query'},
				{line: lineOf(text, getPods) - 1, lang: 'bash', kind: 'commands'},
				{line: lineOf(text, restart) - 1, lang: 'bash', kind: 'commands'},
				{line: lineOf(text, drainQuery) - 1, lang: 'promql', kind: 'query'},
			],
			requests: [],
			variables: [],
			severityGuidance: [],
		});
	});

	it('a malformed YAML runbook exits non-zero naming the file and the line', async () => {
		const file = path.join(fixtures, 'broken.yaml');
		const text = await readFile(file, 'utf8');
		const result = await runCli(['runbook', 'inspect', file, '--json'], {home});
		expect(result.code).not.toBe(0);
		expect(result.stdout).toBe('');
		const match = new RegExp(`^incident-tui: ${file.replaceAll('.', '\\.')}:(\\d+):\\d+: \\S`).exec(result.stderr);
		expect(match, result.stderr).not.toBeNull();
		// The flow sequence opened on the `command:` line is never closed; the parser notices by the next item.
		const opened = lineOf(text, 'command: [kubectl, get, pods');
		expect([opened, opened + 1]).toContain(Number(match![1]));
		expect(result.stderr).not.toMatch(/\n\s+at /);
	});

	it('a file that does not exist is named in the error', async () => {
		const file = path.join(home, 'missing.md');
		const result = await runCli(['runbook', 'inspect', file], {home});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(file);
	});
});

describe('incident-tui runbook lint', {timeout: cliTestTimeoutMs}, () => {
	it('passes the built-in runbooks', async () => {
		const result = await runCli(['runbook', 'lint', path.join(repoRoot, 'runbooks')], {home});
		expect(result.code, result.stdout).toBe(0);
		expect(result.stdout).toMatch(/\b\d+ files? checked: 0 errors\b/);
	});

	it('exits 1 on bad PromQL and prints file:line of the broken expression only', async () => {
		const file = path.join(fixtures, 'lint-bad', 'bad-promql.yaml');
		const text = await readFile(file, 'utf8');
		const result = await runCli(['runbook', 'lint', file], {home});
		expect(result.code).toBe(1);
		const brokenLine = lineOf(text, 'promql: sum(rate(http_requests_total[5m])');
		expect(result.stdout).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:${brokenLine}:\\d+: error: query 'broken_one': PromQL syntax error`, 'm'));
		expect(result.stdout).not.toContain("query 'ok_one'");
		expect(result.stdout).toMatch(/1 error\b/);
	});

	it('in a directory, reports the bad runbook among good ones and still exits 1', async () => {
		const dir = path.join(home, 'runbooks');
		await mkdir(dir);
		await copyFile(path.join(fixtures, 'lint-bad', 'bad-promql.yaml'), path.join(dir, 'bad-promql.yaml'));
		await copyFile(markdownFixture, path.join(dir, 'queue-backlog.md'));
		await writeFile(path.join(dir, 'README.md'), '# Not a runbook\n');
		const result = await runCli(['runbook', 'lint', dir], {home});
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^2 files checked: 1 error\b/m);
		expect(result.stdout).toContain(`${path.join(dir, 'bad-promql.yaml')}:`);
		expect(result.stdout).not.toMatch(/queue-backlog\.md:\d+(:\d+)?: error/);
	});
});
