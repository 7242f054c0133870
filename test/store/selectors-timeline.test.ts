import {describe, expect, it} from 'vitest';
import {selectTimelineRows} from '../../source/store/selectors-timeline.js';
import {timelineFixture} from '../support/fixtures.js';

describe('timeline rows', () => {
	it('mark pinned events, unmark them again, and reuse rows built before', () => {
		const events = timelineFixture();
		const id = events[1]!.id;
		const plain = selectTimelineRows(events, {});
		const pinned = selectTimelineRows(events, {[id]: true});
		expect(pinned[1]!.cells[0]!.text.startsWith('★')).toBe(true);
		expect(pinned[0]).toBe(plain[0]);
		const unpinned = selectTimelineRows(events, {});
		expect(unpinned[1]!.cells[0]!.text.startsWith('★')).toBe(false);
		expect(unpinned[1]).toBe(plain[1]);
	});
});
