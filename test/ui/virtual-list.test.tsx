import React from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {VirtualList} from '../../source/ui/components/virtual-list.js';
import type {Row} from '../../source/kinds/types.js';
import type {Selection} from '../../source/store/selection.js';

function row(key: string, heading = false): Row {
	return {key, heading, tone: 'info', search: key, ref: heading ? {kind: 'runbook', key: `section/${key}`} : {kind: 'runbook', key}, cells: [{text: key}]};
}

// Two sections of three steps, in a list three rows high.
const rows = [row('First', true), row('a1'), row('a2'), row('a3'), row('Second', true), row('b1'), row('b2'), row('b3')];

function List(props: {selected: Selection}) {
	return <VirtualList rows={rows} selected={props.selected} height={3} width={30} focused />;
}

describe('VirtualList', () => {
	it('scrolling up to the first row of a section brings its heading into view with it', () => {
		const view = render(<List selected={{index: 7, key: 'b3'}} />);
		expect(view.lastFrame()).toContain('b3');
		expect(view.lastFrame()).not.toContain('Second');
		// Up to b1: plain scrolling would put b1 on the top line and leave "Second" above the view.
		view.rerender(<List selected={{index: 5, key: 'b1'}} />);
		expect(view.lastFrame()!.split('\n').map(line => line.trim())).toEqual(['Second', expect.stringContaining('b1'), 'b2']);
		view.unmount();
	});

	it('keeps the selected row in view when the list is one line high', () => {
		const view = render(<VirtualList rows={rows} selected={{index: 5, key: 'b1'}} height={1} width={30} focused />);
		expect(view.lastFrame()).toContain('b1');
		view.unmount();
	});
});
