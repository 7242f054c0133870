import {describe, expect, it} from 'vitest';
import {alertMatchers, durationText, matchersText, parseDuration, parseMatchers, silenceAction} from '../../source/actions/silence.js';
import {actionFromValues} from '../../source/actions/registry.js';
import {configSchema} from '../../source/config/schema.js';

describe('silence matchers as the operator writes them', () => {
	it('reads = != =~ !~, quoted or bare values, and writes them back the same', () => {
		const matchers = parseMatchers('alertname="HighErrorRate", service=~"check.*" ,env!=dev, pod!~"canary-.*"');
		expect(matchers).toEqual([
			{name: 'alertname', value: 'HighErrorRate', isRegex: false, isEqual: true},
			{name: 'service', value: 'check.*', isRegex: true, isEqual: true},
			{name: 'env', value: 'dev', isRegex: false, isEqual: false},
			{name: 'pod', value: 'canary-.*', isRegex: true, isEqual: false},
		]);
		expect(matchersText(matchers as never)).toBe('alertname="HighErrorRate", service=~"check.*", env!="dev", pod!~"canary-.*"');
		expect(parseMatchers(matchersText(matchers as never))).toEqual(matchers);
	});

	it('keeps a quote or a comma inside a quoted value', () => {
		const matchers = alertMatchers({alertname: 'X', path: '/a,"b"'});
		expect(parseMatchers(matchersText(matchers))).toEqual(matchers);
	});

	it('says what it cannot read, and refuses matchers that would silence everything', () => {
		expect(parseMatchers('alertname')).toMatch(/cannot read the matchers at “alertname”/);
		expect(parseMatchers('')).toMatch(/at least one matcher/);
		expect(parseMatchers('a=~".*"')).toMatch(/would silence every alert/);
		expect(parseMatchers('a=~"("')).toMatch(/not a valid regular expression/);
	});

	it('puts alertname first, then the labels by name', () => {
		expect(alertMatchers({severity: 'critical', alertname: 'A', env: 'prod'}).map(m => m.name)).toEqual(['alertname', 'env', 'severity']);
	});
});

describe('silence durations', () => {
	it('reads minutes, hours, days and weeks, and writes them back', () => {
		expect(parseDuration('1h')).toBe(3_600_000);
		expect(parseDuration('1h30m')).toBe(5_400_000);
		expect(parseDuration(' 2d ')).toBe(172_800_000);
		expect(durationText(5_400_000)).toBe('1h30m');
		expect(durationText(172_800_000)).toBe('2d');
	});

	it('refuses what it cannot read, and what is too short or too long', () => {
		expect(parseDuration('soon')).toMatch(/cannot read the duration/);
		expect(parseDuration('0m')).toMatch(/at least a minute/);
		expect(parseDuration('100d')).toMatch(/at most 90 days/);
	});
});

describe('the silence action made from its form', () => {
	const env = {demo: false, readonly: false, context: 'ctx', namespace: 'shop', production: false, author: 'alice@bastion'};
	const config = configSchema.parse({alertmanager: {url: 'http://am-user:secret@alertmanager.example:9093'}});
	const ctx = {config, env, newId: () => 'id-1', now: () => Date.parse('2026-12-06T13:00:00Z')};

	it('names the Alertmanager without its credentials, the matchers, the duration and the end', () => {
		const request = actionFromValues('silence', {matchers: 'alertname="CheckoutDown"', duration: '1h', comment: 'rolling back'}, ctx);
		expect(typeof request).toBe('object');
		if (typeof request !== 'object') return;
		expect(request).toMatchObject({kind: 'silence', dangerous: true, change: 'silence alertname="CheckoutDown" for 1h (until about 2026-12-06 14:00 UTC)'});
		expect(request.details.join('\n')).toContain('Alertmanager http://alertmanager.example:9093/');
		expect(JSON.stringify(request)).not.toContain('secret');
		expect(request.params).toEqual({kind: 'silence', matchers: [{name: 'alertname', value: 'CheckoutDown', isRegex: false, isEqual: true}], durationMs: 3_600_000, comment: 'rolling back', createdBy: 'alice@bastion'});
		expect(silenceAction.dangerous).toBe(true);
	});

	it('says which field is wrong, so the form opens on it', () => {
		expect(actionFromValues('silence', {matchers: 'x', duration: '1h', comment: 'c'}, ctx)).toMatch(/^matchers: /);
		expect(actionFromValues('silence', {matchers: 'a="b"', duration: 'later', comment: 'c'}, ctx)).toMatch(/^duration: /);
		expect(actionFromValues('silence', {matchers: 'a="b"', duration: '1h', comment: ' '}, ctx)).toMatch(/^comment: /);
		expect(actionFromValues('silence', {matchers: 'a="b"', duration: '1h', comment: 'c'}, {...ctx, config: configSchema.parse({})})).toMatch(/no Alertmanager is configured/);
		expect(actionFromValues('rollback', {}, ctx)).toMatch(/no action 'rollback' is made from values/);
	});
});
