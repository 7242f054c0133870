import {describe, expect, it} from 'vitest';
import {computeLayout, minPaneHeight, scrollOffset} from '../../source/ui/layout.js';
import {kinds} from '../../source/kinds/registry.js';

const paneIds = kinds.map(kind => kind.id);

describe('layout', () => {
	it('stacks all five panes at 80x24 and fills the body exactly', () => {
		for (const focus of paneIds) {
			const layout = computeLayout(80, 23, focus);
			expect(layout.columns).toHaveLength(1);
			const column = layout.columns[0]!;
			expect(column.map(b => b.id)).toEqual([...paneIds]);
			expect(column.reduce((sum, b) => sum + b.height, 0)).toBe(layout.bodyHeight);
			expect(layout.bodyHeight).toBe(21);
			for (const box of column) expect(box.height).toBeGreaterThanOrEqual(minPaneHeight);
			// The focused pane gets the most room.
			expect(Math.max(...column.map(b => b.height))).toBe(column.find(b => b.id === focus)!.height);
		}
	});

	it('uses two columns on wide terminals and fills both', () => {
		const layout = computeLayout(200, 59, 'pods');
		expect(layout.columns).toHaveLength(2);
		const [left, right] = layout.columns as [typeof layout.columns[0], typeof layout.columns[0]];
		expect(left[0]!.width + right[0]!.width + 1).toBe(200);
		expect(computeLayout(149, 59, 'pods').columns).toHaveLength(1);
		for (const column of layout.columns) expect(column.reduce((s, b) => s + b.height, 0)).toBe(layout.bodyHeight);
	});

	it('gives short panes only what they need and the rest to others', () => {
		const layout = computeLayout(100, 40, 'pods', {health: 3, metrics: 4});
		const column = layout.columns[0]!;
		expect(column.find(b => b.id === 'health')!.height).toBe(3);
		expect(column.find(b => b.id === 'metrics')!.height).toBe(4);
		expect(column.reduce((s, b) => s + b.height, 0)).toBe(layout.bodyHeight);
	});

	it('leaves the lines no pane wants at the bottom of the column, whichever pane is focused', () => {
		for (const focus of ['health', 'metrics'] as const) {
			const column = computeLayout(160, 40, focus, {health: 7, metrics: 3, pods: 13, alerts: 4}).columns[0]!;
			expect(column.map(b => [b.id, b.height])).toEqual([
				['health', 7],
				['metrics', 3],
				['pods', 13],
				// The left column's last pane: it takes the lines no pane wants, under its own.
				['alerts', 38 - 7 - 3 - 13],
			]);
		}
	});

	it('scrolls to keep the selection visible', () => {
		expect(scrollOffset(0, 100, 10, 0)).toBe(0);
		expect(scrollOffset(15, 100, 10, 0)).toBe(6);
		expect(scrollOffset(5, 100, 10, 6)).toBe(5);
		expect(scrollOffset(99, 100, 10, 0)).toBe(90);
		expect(scrollOffset(3, 5, 10, 7)).toBe(0);
	});
});

describe('layout when the focus moves between columns', () => {
	const wants = {health: 60, metrics: 60, pods: 9000, runbook: 30};

	it('the column the focus left keeps the heights its last focused pane gave it', () => {
		const onPods = computeLayout(200, 49, 'pods', wants, undefined, ['pods']);
		const onTimeline = computeLayout(200, 49, 'timeline', wants, undefined, ['timeline', 'pods']);
		expect(onTimeline.columns[0]).toEqual(onPods.columns[0]);
		// Back on the left: the right column keeps the Timeline's share.
		const backOnHealth = computeLayout(200, 49, 'health', wants, undefined, ['health', 'timeline', 'pods']);
		expect(backOnHealth.columns[1]).toEqual(onTimeline.columns[1]);
		// The focused column still widens the focused pane.
		expect(backOnHealth.columns[0]!.find(b => b.id === 'health')!.height).toBeGreaterThan(onPods.columns[0]!.find(b => b.id === 'health')!.height);
	});

	it('in one column only the focused pane is widened, whatever was focused before', () => {
		expect(computeLayout(100, 40, 'pods', wants, undefined, ['pods', 'timeline', 'health'])).toEqual(computeLayout(100, 40, 'pods', wants));
	});
});
