import {describe, expect, it} from 'vitest';
import type {AlertInfo} from '../../source/ports/metrics.js';
import type {AlertMatcher, Runbook} from '../../source/runbook/model.js';
import {matchAll, matchRunbook, orderAlerts} from '../../source/runbook/match.js';
import {parseMarkdownRunbook} from '../../source/runbook/markdown.js';

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
