import {describe, expect, it} from 'vitest';
import {selectRunbookRows} from '../../source/store/selectors.js';
import {layoutCells, rowText} from '../../source/ui/components/row-line.js';
import {createTheme} from '../../source/ui/theme.js';
import {metricRows, runbookFixture} from '../support/fixtures.js';

describe('runbook rows', () => {
	it('give the marks column the width of its widest entry, so "⟲ rollback auto" is not cut', () => {
		const runbook = runbookFixture();
		const rollBack = runbook.steps.find(step => step.id === 'roll-back')!;
		rollBack.doneWhen = {query: 'error_ratio', below: 0.01};
		rollBack.commands.push({id: 'status', argv: ['kubectl', 'rollout', 'status', 'deployment/checkout'], lang: 'argv'});
		const rows = selectRunbookRows(runbook, {}, metricRows());
		const text = rowText(rows.find(row => row.key === 'st:roll-back')!, 120, false, createTheme({color: false}));
		expect(text.trimEnd()).toMatch(/ ⟲ rollback \$ cmd auto$/);
		// Every step's marks end in the same column.
		const others = rows.filter(row => !row.heading).map(row => rowText(row, 120, false, createTheme({color: false})));
		expect(new Set(others.map(line => line.length))).toEqual(new Set([text.length]));
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
