import {describe, expect, it} from 'vitest';
import {selectionAt, selectionIndex} from '../../source/store/selection.js';

const rows = (...keys: string[]) => keys.map(key => ({key}));

describe('selectionIndex', () => {
	it('finds the chosen row wherever it moved', () => {
		expect(selectionIndex(rows('a', 'b', 'c'), {index: 1, key: 'b'})).toBe(1);
		expect(selectionIndex(rows('x', 'a', 'b', 'c'), {index: 1, key: 'b'})).toBe(2);
		expect(selectionIndex(rows('b', 'c'), {index: 1, key: 'b'})).toBe(0);
	});

	it('falls back to the same position, clamped, when the row is gone or none was chosen', () => {
		expect(selectionIndex(rows('a', 'c', 'd'), {index: 1, key: 'b'})).toBe(1);
		expect(selectionIndex(rows('a'), {index: 5, key: 'b'})).toBe(0);
		expect(selectionIndex(rows('a', 'b', 'c'), {index: 2})).toBe(2);
		expect(selectionIndex(rows('a', 'b'), {index: 7})).toBe(1);
		expect(selectionIndex([], {index: 3, key: 'a'})).toBe(0);
	});
});

describe('selectionAt', () => {
	it('clamps and records the key of the row there', () => {
		expect(selectionAt(rows('a', 'b'), 1)).toEqual({index: 1, key: 'b'});
		expect(selectionAt(rows('a', 'b'), 9)).toEqual({index: 1, key: 'b'});
		expect(selectionAt(rows('a', 'b'), -3)).toEqual({index: 0, key: 'a'});
		expect(selectionAt([], 2)).toEqual({index: 0});
	});
});
