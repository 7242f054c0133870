import {describe, expect, it} from 'vitest';
import {formatValue, sparkline, toneFor} from '../../source/text/format.js';

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

describe('formatValue', () => {
	it('keeps its usual digits', () => {
		expect(formatValue(0.04996, 'ratio')).toBe('5%');
		expect(formatValue(0.1234, 'seconds')).toBe('123 ms');
		expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
		expect(formatValue(12_345, 'rps')).toBe('12.3k/s');
	});

	it('reads the way the value is graded: never rounded onto or past a threshold it has not reached', () => {
		const ratio = {warn: 0.01, critical: 0.05};
		// 0.04996 is graded warning against critical 5%: it must not read "5%".
		expect(toneFor(0.04996, ratio)).toBe('warn');
		expect(formatValue(0.04996, 'ratio', ratio)).toBe('4.996%');
		expect(formatValue(0.0499999, 'ratio', ratio)).toBe('4.99999%');
		// Closer than any number of decimals shows: cut toward the value, still under 5%.
		expect(formatValue(0.049999999999, 'ratio', ratio)).toBe('4.99999999%');
		// Exactly at the threshold, or clearly away from it: the usual digits.
		expect(formatValue(0.05, 'ratio', ratio)).toBe('5%');
		expect(formatValue(0.0731, 'ratio', ratio)).toBe('7.31%');
		// Past a threshold but rounding under it.
		expect(formatValue(0.30004, 'seconds', {warn: 0.30003})).toBe('300.04 ms');
		expect(formatValue(0.2994, 'seconds', {warn: 0.2995})).toBe('299 ms');
		// Lower is worse: 99.001% is above a critical 99%, so it must not read "99%".
		expect(formatValue(0.99001, 'ratio', {warn: 0.995, critical: 0.99, direction: 'below'})).toBe('99.001%');
	});
});
