import {describe, expect, it} from 'vitest';
import {sparkline} from '../../source/sources/format.js';

describe('sparkline', () => {
	it('scales values on their own, from their min to their max', () => {
		expect(sparkline([10, 20, 30, 40], 10)).toBe('▁▃▆█');
		// Only the last `width` values.
		expect(sparkline([100, 10, 20, 30, 40], 4)).toBe('▁▃▆█');
	});

	it('against a ceiling (a warning threshold), keeps values far under it low, from 0', () => {
		// An error ratio back to 0.02-0.21% after a rollback, warning at 1%: low bars, not full ones.
		const recovered = [0.0002, 0.001, 0.0021, 0.0021];
		expect(sparkline(recovered, 20)).toMatch(/█$/);
		expect(sparkline(recovered, 20, 0.01)).toBe('▁▂▂▂');
		// Past the threshold, the values set the top.
		expect(sparkline([0.002, 0.05, 0.13], 20, 0.01)).toBe('▁▄█');
	});
});
