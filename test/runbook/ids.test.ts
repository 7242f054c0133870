import {describe, expect, it} from 'vitest';
import {IdAllocator, slugify} from '../../source/runbook/ids.js';

describe('ids', () => {
	it('suffixes -2, -3 ... and skips ids already taken', () => {
		const ids = new IdAllocator(['check-3']);
		expect([1, 2, 3, 4].map(() => ids.next('check', 'step'))).toEqual(['check', 'check-2', 'check-4', 'check-5']);
		expect(ids.next('', 'step-9')).toBe('step-9');
		ids.reserve('look-2');
		expect([ids.next('look', 'x'), ids.next('look', 'x')]).toEqual(['look', 'look-3']);
		expect(slugify('Roll back: deployment/checkout!')).toBe('roll-back-deployment-checkout');
	});

	it('hands out 100,000 ids with one title in linear time (a runbook of many "Check" items froze the importer)', () => {
		const ids = new IdAllocator();
		const out = Array.from({length: 100_000}, () => ids.next('check', 'step'));
		expect(out.at(-1)).toBe('check-100000');
		expect(new Set(out).size).toBe(100_000);
	}, 10_000);
});
