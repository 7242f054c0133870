import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {builtinRunbookDir, listRunbooks, loadRunbook, resolveVariables} from '../../source/runbook/library.js';
import {lintRunbooks} from '../../source/runbook/lint.js';
import {checkPromql} from '../../source/runbook/promql-check.js';
import {renderTemplate, shellQuote, templateVariables} from '../../source/runbook/template.js';
import {LocatedError} from '../../source/config/located-error.js';

const expectedIds = ['auth-attack', 'bad-deploy', 'certificate-expiry', 'crash-loop', 'credential-leak', 'db-connection-exhaustion', 'dependency-down', 'high-error-rate', 'high-latency', 'memory-leak-oom', 'service-down'];
const fixtures = fileURLToPath(new URL('../fixtures/runbooks/', import.meta.url));

describe('the built-in library', () => {
	it('is found next to the package and every runbook loads', async () => {
		expect((await readdir(builtinRunbookDir())).length).toBeGreaterThanOrEqual(11);
		const {runbooks, errors} = await listRunbooks();
		expect(errors).toEqual([]);
		expect(runbooks.map(r => r.id).sort()).toEqual(expectedIds);
		for (const runbook of runbooks) {
			expect(runbook.source).toBe(`builtin:${runbook.id}`);
			expect(runbook.alerts.length, runbook.id).toBeGreaterThan(0);
			expect(runbook.primaryQuery, runbook.id).toBeDefined();
			expect(runbook.steps.some(s => s.action || s.commands.length > 0), runbook.id).toBe(true);
		}
	});

	it('lints clean: PromQL parses, every variable is declared', async () => {
		const results = await lintRunbooks([builtinRunbookDir()]);
		expect(results).toHaveLength(expectedIds.length);
		for (const result of results) expect({file: result.file, errors: result.errors, warnings: result.warnings}).toEqual({file: result.file, errors: [], warnings: []});
	});

	it('bad-deploy renders for the demo (shop/checkout) into queries the direct scrape mode understands', async () => {
		const runbook = await loadRunbook('bad-deploy');
		const {values, missing} = resolveVariables(runbook, {cli: {namespace: 'shop', deployment: 'checkout'}});
		expect(missing).toEqual([]);
		for (const query of runbook.queries.filter(q => ['error_ratio', 'latency_p95'].includes(q.id))) {
			const promql = renderTemplate(query.promql, values);
			expect(templateVariables(promql)).toEqual([]);
			expect(checkPromql(promql)).toBeNull();
			expect(promql).toMatch(/^(sum\(rate\(|histogram_quantile\(0\.95, sum by \(le\) \(rate\()/);
			expect(promql).toContain('[1m]');
		}
		const rollback = runbook.steps.find(s => s.action?.kind === 'rollback')!;
		expect(rollback.action).toEqual({kind: 'rollback', deployment: '{{deployment}}'});
		expect(renderTemplate(rollback.action!.deployment!, values)).toBe('checkout');
		const argv = runbook.steps.flatMap(s => s.commands).find(c => c.argv?.includes('history'))!.argv!;
		expect(argv.map(arg => renderTemplate(arg, values))).toEqual(['kubectl', 'rollout', 'history', 'deployment/checkout', '--namespace', 'shop']);
	});
});

describe('loadRunbook', () => {
	it('loads a built-in by id, and files by path: YAML by extension, Markdown otherwise', async () => {
		expect((await loadRunbook('crash-loop')).format).toBe('yaml');
		const md = await loadRunbook(path.join(fixtures, 'payments.md'));
		expect(md).toMatchObject({id: 'payments-api', format: 'markdown'});
		expect((await loadRunbook('payments.md', {cwd: fixtures})).id).toBe('payments-api');
	});

	describe('with a directory of runbooks', () => {
		let tmp: string;
		beforeAll(async () => {
			tmp = await mkdtemp(path.join(os.tmpdir(), 'rb-lib-'));
			await writeFile(path.join(tmp, 'notes.txt'), '# Team notes\n\n- [ ] call the vendor\n');
			await writeFile(path.join(tmp, 'crash.yaml'), 'id: crash-loop\ntitle: Our crash loop\nsteps: [{title: call Bob}]\n');
			await writeFile(path.join(tmp, 'broken.yaml'), 'id: broken\ntitle: B\nsteps: [{titel: x}]\n');
		});
		afterAll(async () => rm(tmp, {recursive: true, force: true}));

		it('reads .txt files as Markdown when named', async () => {
			const runbook = await loadRunbook(path.join(tmp, 'notes.txt'));
			expect(runbook.steps.map(s => [s.title, s.checkbox])).toEqual([['call the vendor', true]]);
		});

		it('lets a directory runbook shadow a built-in with the same id and reports broken files without stopping', async () => {
			const {runbooks, errors} = await listRunbooks([tmp]);
			expect(runbooks.find(r => r.id === 'crash-loop')!.title).toBe('Our crash loop');
			expect(runbooks.filter(r => r.id === 'crash-loop')).toHaveLength(1);
			expect(runbooks).toHaveLength(expectedIds.length);
			expect(errors.map(e => e.message)).toEqual([`${path.join(tmp, 'broken.yaml')}:3:10: steps[0]: unknown key 'titel'`]);
			expect((await loadRunbook('crash-loop', {dirs: [tmp]})).title).toBe('Our crash loop');
			await expect(loadRunbook('broken', {dirs: [tmp]})).rejects.toThrow(/unknown key 'titel'/);
		});
	});

	it('accepts an embedded map of built-ins (the single-file bundle)', async () => {
		const {runbooks} = await listRunbooks([], {builtins: {'one.yaml': 'id: one\ntitle: One\nsteps: [{title: go}]\n', 'two.md': '# Two\n\n- go\n', 'README': 'ignored'}});
		expect(runbooks.map(r => [r.id, r.source])).toEqual([['one', 'builtin:one'], ['two', 'builtin:two']]);
		expect((await loadRunbook('two', {builtins: {'two.md': '# Two\n\n- go\n'}})).title).toBe('Two');
	});

	it('names the known ids when a reference matches nothing', async () => {
		const error = await loadRunbook('no-such-runbook').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(LocatedError);
		expect((error as Error).message).toMatch(/^no-such-runbook: no runbook with this id and no such file; known runbooks: auth-attack, bad-deploy,/);
		await expect(loadRunbook('missing/file.yaml')).rejects.toThrow(/cannot read runbook: no such file/);
	});
});

describe('resolveVariables and templating', () => {
	const runbook = {
		id: 'r', title: 'R', source: 'x', format: 'yaml' as const, alerts: [], queries: [], sections: [], steps: [], escalation: [],
		variables: [
			{name: 'namespace', default: 'default', required: true},
			{name: 'deployment', required: true},
			{name: 'window', default: '5m', pattern: '[0-9]+[smh]'},
			{name: 'tier', allowed: ['web', 'worker']},
		],
	};

	it('layers defaults < config < alert labels < cli, and lists missing required variables', () => {
		expect(resolveVariables(runbook, {})).toEqual({values: {namespace: 'default', window: '5m'}, missing: ['deployment'], invalid: []});
		const resolved = resolveVariables(runbook, {config: {namespace: 'from-config'}, alertLabels: {namespace: 'shop', deployment: 'checkout', pod: 'checkout-1', team: 'x'}, cli: {window: '1m'}});
		expect(resolved.values).toEqual({namespace: 'shop', deployment: 'checkout', pod: 'checkout-1', window: '1m'});
		expect(resolved.missing).toEqual([]);
		expect(resolveVariables(runbook, {cli: {deployment: 'a', namespace: 'cli'}, alertLabels: {namespace: 'label'}}).values.namespace).toBe('cli');
	});

	it('reports values outside allowed or pattern', () => {
		const {invalid} = resolveVariables(runbook, {cli: {deployment: 'a', window: 'soon', tier: 'db'}});
		expect(invalid.map(i => i.name)).toEqual(['window', 'tier']);
	});

	it('renders a Markdown script command with shell-quoted values', async () => {
		const md = await loadRunbook(path.join(fixtures, 'payments.md'));
		const {values} = resolveVariables(md, {alertLabels: {namespace: "pay; rm -rf '/'"}});
		const command = md.steps.flatMap(s => s.commands).find(c => c.title === 'list payment pods')!;
		expect(renderTemplate(command.script!, values, {quote: shellQuote})).toBe(`kubectl get pods -n 'pay; rm -rf '\\''/'\\'''`);
		expect(renderTemplate(command.script!, resolveVariables(md, {}).values, {quote: shellQuote})).toBe('kubectl get pods -n pay');
	});
});
