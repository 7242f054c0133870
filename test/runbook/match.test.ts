import {describe, expect, it} from 'vitest';
import type {AlertInfo} from '../../source/ports/metrics.js';
import type {AlertMatcher, Runbook} from '../../source/runbook/model.js';
import {listRunbooks} from '../../source/runbook/library.js';
import {matchAll, matchRunbook, orderAlerts, runbookChoices} from '../../source/runbook/match.js';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';
import {parseYamlRunbook} from '../../source/runbook/yaml.js';

function runbook(id: string, alerts: AlertMatcher[], variables: Runbook['variables'] = []): Runbook {
	return {id, title: id, source: `builtin:${id}`, format: 'yaml', alerts, variables, queries: [], sections: [], steps: [], escalation: []};
}
function alert(name: string, labels: Record<string, string> = {}, extra: Partial<AlertInfo> = {}): AlertInfo {
	return {name, state: 'firing', labels, ...extra};
}

describe('matchRunbook', () => {
	const errors = runbook('errors', [{name: 'HighErrorRate'}], [{name: 'namespace', default: 'default'}, {name: 'deployment'}]);
	const shopOnly = runbook('shop-errors', [{name: 'HighErrorRate', labels: {namespace: 'shop'}}]);
	const prodRegex = runbook('prod-down', [{name: 'ServiceDown', labelsRegex: {namespace: 'prod-.*'}}]);

	it('returns null when nothing fires or nothing matches', () => {
		expect(matchRunbook([], [errors])).toBeNull();
		expect(matchRunbook([alert('HighErrorRate', {}, {state: 'pending'})], [errors])).toBeNull();
		expect(matchRunbook([alert('DiskFull')], [errors])).toBeNull();
	});

	it('matches by name and fills variables from the alert labels over defaults', () => {
		const match = matchRunbook([alert('HighErrorRate', {namespace: 'shop', deployment: 'checkout', severity: 'critical', team: 'x'})], [errors]);
		expect(match?.runbook.id).toBe('errors');
		expect(match?.variables).toEqual({namespace: 'shop', deployment: 'checkout'});
	});

	it('requires label equality, and regex matchers anchored at both ends', () => {
		expect(matchRunbook([alert('HighErrorRate', {namespace: 'shop'})], [shopOnly])?.runbook.id).toBe('shop-errors');
		expect(matchRunbook([alert('HighErrorRate', {namespace: 'shopping'})], [shopOnly])).toBeNull();
		expect(matchRunbook([alert('ServiceDown', {namespace: 'prod-eu'})], [prodRegex])?.runbook.id).toBe('prod-down');
		expect(matchRunbook([alert('ServiceDown', {namespace: 'staging-prod-eu'})], [prodRegex])).toBeNull();
		expect(matchRunbook([alert('ServiceDown', {})], [prodRegex])).toBeNull();
	});

	it('prefers the runbook listed first when several answer the same alert', () => {
		expect(matchRunbook([alert('HighErrorRate', {namespace: 'shop'})], [shopOnly, errors])?.runbook.id).toBe('shop-errors');
		expect(matchAll([alert('HighErrorRate', {namespace: 'shop'})], [shopOnly, errors]).map(m => m.runbook.id)).toEqual(['shop-errors', 'errors']);
	});

	it('orders alerts most severe first, then oldest, whatever the input order', () => {
		const warning = alert('ServiceDown', {namespace: 'prod-a', severity: 'warning'}, {activeAt: '2026-01-01T00:00:00Z'});
		const newer = alert('HighErrorRate', {severity: 'critical'}, {activeAt: '2026-01-01T00:10:00Z'});
		const older = alert('HighErrorRate', {severity: 'critical', namespace: 'b'}, {activeAt: '2026-01-01T00:05:00Z'});
		for (const input of [[warning, newer, older], [older, warning, newer], [newer, older, warning]]) {
			expect(orderAlerts(input)).toEqual([older, newer, warning]);
			expect(matchRunbook(input, [prodRegex, errors])?.alert).toBe(older);
		}
		expect(matchRunbook([warning, alert('Unknown', {severity: 'critical'})], [prodRegex, errors])?.alert).toBe(warning);
	});

	it('points at the section of a Markdown runbook that answers the alert', () => {
		const md = parseMarkdownRunbook('# Ops\n\n## Errors\n\n**Alert:** `HighErrorRate`\n\n- check\n\n## ServiceDown\n\n- restart\n', 'ops.md');
		expect(matchRunbook([alert('ServiceDown')], [md])).toMatchObject({section: 'ServiceDown'});
		expect(matchRunbook([alert('HighErrorRate')], [md])).toMatchObject({section: 'Errors'});
	});
});

describe('the most specific runbook wins, then priority, and the picker says why', () => {
	const plain = runbook('a-plain', [{name: 'HighErrorRate'}]);
	const shop = runbook('z-shop', [{name: 'HighErrorRate', labels: {namespace: 'shop'}}]);
	const prodPattern = runbook('m-prod', [{name: 'HighErrorRate', labelsRegex: {namespace: 'sh.*'}}]);

	it('a plain HighErrorRate chooses the built-in "High 5xx error rate", not "Bad deploy" (listed first by name)', async () => {
		const {runbooks} = await listRunbooks();
		expect(runbooks.findIndex(r => r.id === 'bad-deploy')).toBeLessThan(runbooks.findIndex(r => r.id === 'high-error-rate'));
		expect(matchRunbook([alert('HighErrorRate', {severity: 'critical'})], runbooks)?.runbook.id).toBe('high-error-rate');
		// A deploy-caused latency alert names bad-deploy with a label: more specific than high-latency's name-only match.
		expect(matchRunbook([alert('HighLatency', {cause: 'deploy'})], runbooks)?.runbook.id).toBe('bad-deploy');
	});

	it('an alert name plus a matching label beats the name alone, whatever the library order', () => {
		const firing = [alert('HighErrorRate', {namespace: 'shop'})];
		expect(matchAll(firing, [plain, prodPattern, shop]).map(m => m.runbook.id)).toEqual(['z-shop', 'm-prod', 'a-plain']);
		expect(matchAll(firing, [shop, plain, prodPattern]).map(m => m.runbook.id)).toEqual(['z-shop', 'm-prod', 'a-plain']);
	});

	it('priority is read from YAML and from Markdown front matter', () => {
		expect(parseYamlRunbook('id: p\ntitle: P\npriority: 7\nsteps: [{title: a}]\n', 'p.yaml').priority).toBe(7);
		expect(parseMarkdownRunbook('---\npriority: -2\n---\n# P\n\n- a\n', 'p.md').priority).toBe(-2);
	});

	it('between equally specific matches the highest priority wins, then the library order', () => {
		const low = {...runbook('a-low', [{name: 'HighErrorRate'}]), priority: -1};
		const high = {...runbook('z-high', [{name: 'HighErrorRate'}]), priority: 5};
		expect(matchAll([alert('HighErrorRate')], [low, plain, high]).map(m => m.runbook.id)).toEqual(['z-high', 'a-plain', 'a-low']);
	});

	it('the picker lists what a firing alert would choose, in that order, with why; then the rest', () => {
		const high = {...runbook('z-high', [{name: 'HighErrorRate'}]), priority: 5};
		const other = runbook('other', [{name: 'DiskFull'}]);
		const choices = runbookChoices([alert('HighErrorRate', {namespace: 'shop'})], [other, plain, high, shop]);
		expect(choices.map(c => [c.runbook.id, c.why])).toEqual([
			['z-shop', 'HighErrorRate{namespace="shop"}: name + 1 label'],
			['z-high', 'HighErrorRate: name only, priority 5'],
			['a-plain', 'HighErrorRate: name only'],
			['other', undefined],
		]);
	});
});

