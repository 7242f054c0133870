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

describe('headings', () => {
	const sections = () => [{key: 'h1', heading: true}, {key: 'a'}, {key: 'b'}, {key: 'h2', heading: true}, {key: 'c'}];

	it('are never selected: moving skips them in the direction of travel, and turns back at the ends', () => {
		expect(selectionAt(sections(), 3, 1)).toEqual({index: 4, key: 'c'});
		expect(selectionAt(sections(), 3, -1)).toEqual({index: 2, key: 'b'});
		expect(selectionAt(sections(), 0, -1)).toEqual({index: 1, key: 'a'});
		expect(selectionAt(sections(), 0)).toEqual({index: 1, key: 'a'});
	});

	it('are stepped off when the selection falls back to a position', () => {
		// A fresh pane (no row chosen yet) whose first row is a heading selects the first step.
		expect(selectionIndex(sections(), {index: 0})).toBe(1);
		// The chosen row is gone and a heading is now in its place.
		expect(selectionIndex(sections(), {index: 3, key: 'gone'})).toBe(4);
	});

	it('are selected only when nothing else is there', () => {
		expect(selectionAt([{key: 'h', heading: true}], 0)).toEqual({index: 0, key: 'h'});
		expect(selectionIndex([{key: 'h', heading: true}], {index: 0})).toBe(0);
	});
});
