import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {alertNameFromHeading, consoleCommands, parseFenceMeta, parseMarkdownRunbook, splitShell} from '../../source/runbook/markdown.js';
import {inspectRunbook} from '../../source/runbook/inspect.js';
import {LocatedError} from '../../source/config/located-error.js';

const fixture = fileURLToPath(new URL('../fixtures/runbooks/payments.md', import.meta.url));
const payments = () => parseMarkdownRunbook(readFileSync(fixture, 'utf8'), fixture);
const md = (text: string) => parseMarkdownRunbook(text, 'test.md');
const step = (runbook: ReturnType<typeof md>, title: string) => {
	const found = runbook.steps.find(s => s.title === title);
	if (!found) throw new Error(`no step '${title}' in ${runbook.steps.map(s => s.title).join(' | ')}`);
	return found;
};

describe('Markdown importer: the fixture as `runbook inspect --json` sees it', () => {
	it('reads front matter, the H1 title, severity and alerts', () => {
		const runbook = payments();
		const json = inspectRunbook(runbook);
		expect(runbook.id).toBe('payments-api');
		expect(runbook.format).toBe('markdown');
		expect(json.title).toBe('Payments API on-call guide');
		expect(json.severity).toBe('SEV2');
		expect(json.alerts).toEqual(['PaymentsErrorsHigh', 'QueueBacklogGrowing']);
		// The declared variable, with the lines that use it; then the placeholder the last fence wrote.
		expect(runbook.variables).toEqual([
			{name: 'namespace', default: 'pay', origin: 'declared', uses: [28, 29], written: ['{{namespace}}']},
			{name: 'DATABASE_URL', origin: 'placeholder', written: ['$DATABASE_URL'], uses: [75], secret: true},
		]);
	});

	it('turns headings into sections with level and line; alert headings and Alert:/Severity:/Threshold: fields annotate them', () => {
		const runbook = payments();
		expect(inspectRunbook(runbook).sections.map(({title, level, line}) => ({title, level, line}))).toEqual([
			{title: 'Contents', level: 2, line: 10},
			{title: 'PaymentsErrorsHigh', level: 2, line: 14},
			{title: 'Checklist', level: 3, line: 34},
			{title: 'Queue backlog', level: 2, line: 39},
		]);
		const errors = runbook.sections[1]!;
		expect(errors.alerts).toEqual(['PaymentsErrorsHigh']);
		expect(errors.severity).toBe('Critical (P1)');
		expect(errors.threshold).toBe('more than 2% of charges fail for 5 minutes');
		expect(runbook.sections[3]!.alerts).toEqual(['QueueBacklogGrowing']);
	});

	it('does not make steps of a table of contents (items that are only links)', () => {
		expect(payments().steps.some(s => s.section === 'Contents')).toBe(false);
	});

	it('makes numbered items steps, their first line the title and the rest text, with 1-based lines', () => {
		const runbook = payments();
		const inspect = step(runbook, 'Inspect the pods');
		expect(inspect).toMatchObject({line: 24, depth: 0, section: 'PaymentsErrorsHigh', text: ['Start with the newest pod.']});
		expect(step(runbook, 'Look at the failure ratio').line).toBe(20);
	});

	it('makes nested items sub-steps with depth + 1', () => {
		const runbook = payments();
		expect(step(runbook, 'Note the restart count')).toMatchObject({depth: 1, line: 31});
		expect(step(runbook, 'Note the image tag').depth).toBe(1);
	});

	it('marks task items as checkbox steps, checked or not', () => {
		const runbook = payments();
		expect(step(runbook, 'Tell support')).toMatchObject({checkbox: true, section: 'Checklist', line: 36});
		expect(step(runbook, 'Open the incident channel').checkbox).toBe(true);
		expect(step(runbook, 'Inspect the pods').checkbox).toBeUndefined();
	});

	it('attaches a promql fence to the step it sits in, as a query with the line of the expression', () => {
		const runbook = payments();
		const ratio = step(runbook, 'Look at the failure ratio');
		expect(ratio.queries).toHaveLength(1);
		const query = runbook.queries.find(q => q.id === ratio.queries[0])!;
		expect(query).toMatchObject({promql: 'sum(rate(charges_total{outcome="error"}[5m])) / sum(rate(charges_total[5m]))', line: 22, section: 'PaymentsErrorsHigh'});
		expect(runbook.primaryQuery).toBe(query.id);
	});

	it('splits a bash fence into commands, a comment directly above naming one', () => {
		const commands = step(payments(), 'Inspect the pods').commands;
		expect(commands.map(c => [c.script, c.title, c.lang, c.line])).toEqual([
			['kubectl get pods -n {{namespace}}', 'list payment pods', 'bash', 28],
			['kubectl describe deploy/payments -n {{namespace}}', undefined, 'bash', 29],
		]);
	});

	it('makes "Step N:" headings steps, their numbering left to the checklist; console fences yield only $ lines, sample output dropped', () => {
		const consumers = step(payments(), 'Check the consumers');
		expect(consumers).toMatchObject({line: 43, section: 'Queue backlog', text: ['The consumers should be running.']});
		expect(consumers.commands.map(c => [c.script, c.lang, c.line])).toEqual([
			['kubectl get pods -l app=worker', 'console', 48],
			['kubectl logs deploy/worker --tail=50', 'console', 51],
		]);
	});

	it('recognises unlabelled shell fences, keeps sql as text, reads fence names in JSON and key=value style', () => {
		const drain = step(payments(), 'Drain the dead letters');
		expect(drain.commands.map(c => [c.id, c.script, c.lang])).toEqual([
			['drain-the-dead-letters-cmd', 'curl -s http://127.0.0.1:9000/dlq/size', 'sh'],
			['requeue-dead', './scripts/requeue.sh --all', 'sh'],
			['restart-workers', 'kubectl rollout restart deploy/worker', 'bash'],
			// `$DATABASE_URL` is set nowhere in the runbook: a variable, bound as a parameter when run.
			['drain-the-dead-letters-cmd-2', `psql "{{DATABASE_URL}}" -c 'select 1'`, 'bash'],
		]);
		expect(drain.commands[3]!.written).toBe(`psql "$DATABASE_URL" -c 'select 1'`);
		expect(drain.text).toContain("SELECT count(*) FROM jobs WHERE state = 'dead';");
	});

	it('lists every command with run, lang, section and line in the inspect JSON', () => {
		const json = inspectRunbook(payments());
		expect(json.commands).toHaveLength(8);
		expect(json.commands[0]).toEqual({run: 'kubectl get pods -n {{namespace}}', lang: 'bash', section: 'PaymentsErrorsHigh', line: 28, template: 'kubectl get pods -n {{namespace}}', variables: ['namespace'], sets: []});
		expect(json.steps.find(s => s.title === 'Look at the failure ratio')!.queries[0]).toContain('charges_total');
		expect(JSON.parse(JSON.stringify(json))).toEqual(json);
	});
});

describe('Markdown importer: single constructs', () => {
	it('uses the front matter title over the H1, and takes alerts with labels from front matter', () => {
		const runbook = md('---\ntitle: From front matter\nalerts:\n  - name: Boom\n    labels: {team: a}\n---\n# Heading title\n\n- do it\n');
		expect(runbook.title).toBe('From front matter');
		expect(runbook.alerts).toEqual([{name: 'Boom', labels: {team: 'a'}}]);
		expect(runbook.sections.map(s => s.title)).toEqual(['Heading title']);
	});

	it('falls back to the file name for id and title without headings', () => {
		const runbook = parseMarkdownRunbook('- first thing\n', '/x/disk-full.md');
		expect(runbook).toMatchObject({id: 'disk-full', title: 'disk-full'});
	});

	it('reads **Severity**: in a list item as a field, not a step', () => {
		const runbook = md('# T\n\n## Errors\n\n- **Severity**: P1\n- restart it\n');
		expect(runbook.severity).toBe('P1');
		expect(runbook.steps.map(s => s.title)).toEqual(['restart it']);
	});

	it('tells alert names from product names in headings', () => {
		expect(alertNameFromHeading('HighErrorRate')).toBe('HighErrorRate');
		expect(alertNameFromHeading('`KubeSomething`')).toBe('KubeSomething');
		expect(alertNameFromHeading('Alert: DiskFull')).toBe('DiskFull');
		expect(alertNameFromHeading('PostgreSQL')).toBeNull();
		expect(alertNameFromHeading('PagerDuty')).toBeNull();
		expect(alertNameFromHeading('High error rate')).toBeNull();
	});

	it('puts a fence after a short label paragraph into a step named by the label', () => {
		const runbook = md('# T\n\n## Fixes\n\n**Redis down:**\n\n```bash\nredis-cli ping\n```\n');
		expect(runbook.steps).toHaveLength(1);
		expect(runbook.steps[0]).toMatchObject({title: 'Redis down', section: 'Fixes', line: 5});
		expect(runbook.steps[0]!.commands[0]!.script).toBe('redis-cli ping');
	});

	it('puts a fence right after a list into the last step of the section, else into a section step', () => {
		const after = md('# T\n\n## A\n\n- check it\n\n```promql\nup\n```\n');
		expect(after.steps).toHaveLength(1);
		expect(after.steps[0]!.queries).toHaveLength(1);
		const alone = md('# T\n\n## Only code\n\n```promql\nup == 0\n```\n');
		expect(alone.steps.map(s => s.title)).toEqual(['Only code']);
		expect(alone.queries[0]).toMatchObject({promql: 'up == 0', line: 6});
	});

	it('splits a promql fence into one query per expression, comments naming them', () => {
		const runbook = md('# T\n\n1. Watch\n   ```promql\n   # error ratio\n   sum(rate(a[5m]))\n\n   # p95\n   histogram_quantile(0.95, sum by (le) (rate(b_bucket[5m])))\n   ```\n');
		expect(runbook.queries.map(q => [q.id, q.title, q.line])).toEqual([
			['error-ratio', 'error ratio', 6],
			['p95', 'p95', 9],
		]);
		expect(runbook.steps[0]!.queries).toEqual(['error-ratio', 'p95']);
	});

	it('does not treat prose in an unlabelled fence as a command; keeps yaml and json as text', () => {
		const runbook = md('# T\n\n- look\n\n  ```\n  Dear customer, we are sorry\n  ```\n\n  ```yaml\n  replicas: 3\n  ```\n');
		expect(runbook.steps[0]!.commands).toEqual([]);
		expect(runbook.steps[0]!.text).toEqual(['Dear customer, we are sorry', 'replicas: 3']);
	});

	it('finds shell commands in inline code of a step', () => {
		const runbook = md('# T\n\n- Check the rollout: `kubectl rollout status deploy/api`\n- Health: `/api/health`\n');
		expect(runbook.steps[0]!.commands.map(c => c.script)).toEqual(['kubectl rollout status deploy/api']);
		expect(runbook.steps[1]!.commands).toEqual([]);
	});

	it('reports a broken front matter with the file line', () => {
		expect(() => md('---\ntitle: ok\nseverity: [unclosed\n---\n# T\n')).toThrow(LocatedError);
		try {
			md('---\ntitle: ok\nvariables: 3\n---\n# T\n');
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(LocatedError);
			expect((error as LocatedError).line).toBe(3);
			expect((error as LocatedError).key).toBe('variables');
		}
	});
});

describe('shell fences', () => {
	it('keeps continuations, heredocs and loops together', () => {
		const chunks = splitShell(['# scale up', 'kubectl scale deploy/a \\', '  --replicas=3', 'for p in a b; do', '  echo $p', 'done', "cat <<EOF | kubectl apply -f -", 'kind: X', '', 'EOF', 'echo "two', 'lines"'].join('\n'));
		expect(chunks.map(c => [c.offset, c.title])).toEqual([
			[1, 'scale up'],
			[3, undefined],
			[6, undefined],
			[10, undefined],
		]);
		expect(chunks[1]!.script).toBe('for p in a b; do\n  echo $p\ndone');
		expect(chunks[2]!.script).toContain('EOF');
	});

	it('a comment separated by a blank line does not name the next command', () => {
		expect(splitShell('# note\n\nls')[0]!.title).toBeUndefined();
	});

	it('console: continuation lines of a $ command are kept, output dropped', () => {
		expect(consoleCommands('$ kubectl get pods \\\n  -n x\nNAME READY\n$ echo hi\nhi').map(c => c.script)).toEqual(['kubectl get pods \\\n  -n x', 'echo hi']);
	});

	it('reads fence attributes in JSON and key=value form', () => {
		expect(parseFenceMeta('{"name": "check", "interactive": false}')).toEqual({name: 'check', interactive: 'false'});
		expect(parseFenceMeta('{ name=check-pods interactive=false }')).toEqual({name: 'check-pods', interactive: 'false'});
		expect(parseFenceMeta('title="Two words"')).toEqual({title: 'Two words'});
		expect(parseFenceMeta(undefined)).toEqual({});
	});
});
