import {describe, expect, it} from 'vitest';
import {selectMetricRows, selectRunbookRows} from '../../source/store/selectors.js';
import type {MetricRow} from '../../source/store/types.js';
import {metricRows, runbookFixture} from '../support/fixtures.js';

/** The 5xx ratio row of the fixtures with one value, graded as the source grades it. */
function ratioAt(value: number, tone: MetricRow['tone']): MetricRow {
	const [ratio] = metricRows();
	return {...ratio!, tone, series: [{labels: '', value, history: [value], tone}]};
}

describe('metric rows', () => {
	it('show a value the way it is graded: 0.04996 is a warning against critical 5%, so it does not read 5%', () => {
		const rows = selectMetricRows([ratioAt(0.04996, 'warn')]);
		const value = rows[0]!.cells[1]!;
		expect(value.tone).toBe('warn');
		expect(value.text).toBe('4.996%');
		// The Runbook pane's value of a step watching that query reads the same.
		const steps = selectRunbookRows(runbookFixture(), {}, [ratioAt(0.04996, 'warn')]);
		const watched = steps.find(row => row.key === 'st:confirm-errors')!.cells[1]!;
		expect(watched).toMatchObject({text: '4.996% ', tone: 'warn'});
	});
});
