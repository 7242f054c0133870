import {describe, expect, it} from 'vitest';
import {previousSignals} from '../../source/kinds/feed-poller.js';

describe('previousSignals', () => {
	it('keeps the latest signal per subject among the given kinds', () => {
		const timeline = [
			{type: 'signal', data: {kind: 'health.flip', level: 'crit', subject: 'api'}},
			{type: 'note.added', data: {text: 'x'}},
			{type: 'signal', data: {kind: 'health.flip', level: 'ok', subject: 'api'}},
			{type: 'signal', data: {kind: 'alert.firing', level: 'crit', subject: 'A'}},
		];
		const map = previousSignals(timeline, ['health.flip']);
		expect([...map]).toEqual([['api', {kind: 'health.flip', level: 'ok'}]]);
	});
});
