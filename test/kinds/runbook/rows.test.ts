import {describe, expect, it} from 'vitest';
import {buildRunbookRows} from '../../../source/kinds/runbook/rows.js';
import type {Row} from '../../../source/kinds/types.js';
import {formatCountdown} from '../../../source/text/format.js';
import {layoutCells, rowText} from '../../../source/ui/components/row-line.js';
import {createTheme} from '../../../source/ui/theme.js';
import {metricRows, runbookFixture} from '../../support/fixtures.js';

describe('runbook rows', () => {
	it('give the marks column the width of its widest entry, so "⟲ rollback $ cmd auto" is not cut', () => {
		const runbook = runbookFixture();
		const rollBack = runbook.steps.find(step => step.id === 'roll-back')!;
		rollBack.doneWhen = {query: 'error_ratio', below: 0.01};
		rollBack.commands.push({id: 'status', argv: ['kubectl', 'rollout', 'status', 'deployment/checkout'], lang: 'argv'});
		const rows = buildRunbookRows(runbook, {}, metricRows());
		const text = rowText(rows.find(row => row.key === 'st:roll-back')!, 120, false, createTheme({color: false}));
		expect(text.trimEnd()).toMatch(/ ⟲ rollback \$ cmd auto$/);
		// Every step's marks end in the same column.
		const others = rows.filter(row => !row.heading).map(row => rowText(row, 120, false, createTheme({color: false})));
		expect(new Set(others.map(line => line.length))).toEqual(new Set([text.length]));
	});

	it('count down to a held condition’s tick in the auto column, which keeps its width', () => {
		const runbook = runbookFixture();
		const rollBack = runbook.steps.find(step => step.id === 'roll-back')!;
		rollBack.doneWhen = {query: 'error_ratio', below: 0.01, forSeconds: 120};
		const theme = createTheme({color: false});
		const idle = buildRunbookRows(runbook, {}, metricRows(), {});
		const line = (rows: readonly Row[], clock?: string) => rowText(rows.find(row => row.key === 'st:roll-back')!, 120, false, theme, clock).trimEnd();
		expect(line(idle)).toMatch(/ ⟲ rollback auto$/);
		expect(idle.find(row => row.key === 'st:roll-back')!.countdownTo).toBeUndefined();

		const since = Date.parse('2026-11-22T03:10:00Z');
		const held = buildRunbookRows(runbook, {}, metricRows(), {'roll-back': since});
		const row = held.find(row => row.key === 'st:roll-back')!;
		expect(row.countdownTo).toBe(since + 120_000);
		expect(formatCountdown(row.countdownTo! - (since + 35_000))).toBe('1:25');
		expect(line(held, '1:25')).toMatch(/ ⟲ rollback 1:25$/);
		expect(line(held, '1:25')).toHaveLength(line(idle).length);
		// A checked step counts nothing down.
		expect(buildRunbookRows(runbook, {'roll-back': true}, metricRows(), {'roll-back': since}).find(row => row.key === 'st:roll-back')!.countdownTo).toBeUndefined();
	});

	it('formats the time left as minutes and seconds, never below 0:00', () => {
		expect([formatCountdown(600_000), formatCountdown(61_000), formatCountdown(59_001), formatCountdown(500), formatCountdown(-3000)]).toEqual(['10:00', '1:01', '1:00', '0:01', '0:00']);
	});
});

describe('layoutCells', () => {
	it('leaves a zero-width cell out with its separator, so the flexible cell gets that column too', () => {
		const withValue = layoutCells([{text: 'title'}, {text: '12%', width: 4, align: 'right'}, {text: '$ cmd', width: 5, align: 'right'}], 30);
		const without = layoutCells([{text: 'title'}, {text: '', width: 0}, {text: '$ cmd', width: 5, align: 'right'}], 30);
		expect(withValue.join('')).toHaveLength(30);
		expect(without.join('')).toHaveLength(30);
		expect(without.join('')).toMatch(/^title +\$ cmd$/);
	});
});
