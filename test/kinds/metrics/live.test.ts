import {describe, expect, it} from 'vitest';
import {metricLines} from '../../../source/kinds/metrics/live.js';
import {metricRows} from '../../support/fixtures.js';

describe('a query’s details', () => {
	const at = Date.parse('2026-11-22T03:04:05Z');

	it('say what is known of it: loading, answered, or stale with since when and why', () => {
		const [ratio] = metricRows();
		expect(metricLines({...ratio!, series: [], loading: true})).toEqual(expect.arrayContaining(['state       loading: its first answer is on its way', '  (no answer yet)']));
		expect(metricLines({...ratio!, lastOkAt: at})).toEqual(expect.arrayContaining(['state       answered at 03:04:05', '       12.4%  {}']));
		expect(metricLines({...ratio!, lastOkAt: at, error: 'timeout after 5000 ms'})).toContain('state       stale: the values below are from 03:04:05; now timeout after 5000 ms');
		expect(metricLines({...ratio!, series: [], lastOkAt: at})).toContain('  no data: the query matches no series now');
	});

	it('list the targets behind it that are not up, and how much of its range a young window covers', () => {
		const [ratio] = metricRows();
		const lines = metricLines({
			...ratio!,
			partial: {coveredMs: 30_000, rangeMs: 300_000},
			targets: {
				up: 1,
				problems: [
					{job: 'checkout', instance: '10.0.0.2:8080', health: 'down', error: 'connection refused', downSince: at, lastOkAt: at - 15_000},
					{job: 'cart', instance: '10.0.0.3:8080', health: 'unknown', error: 'not scraped yet'},
				],
			},
		});
		expect(lines).toEqual(
			expect.arrayContaining([
				'window      warming up (30 s of a 5 m window): its values are over that time, not the whole range',
				'targets     1 up, 1 down, 1 unknown',
				'  ✗ checkout 10.0.0.2:8080 down since 03:04:05: connection refused (last good scrape 03:03:50)',
				'  ? cart 10.0.0.3:8080 not scraped yet',
			]),
		);
	});
});
