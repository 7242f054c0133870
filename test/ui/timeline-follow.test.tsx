import {describe, expect, it} from 'vitest';
import {buildTimelineRows} from '../../source/kinds/timeline/rows.js';
import {RowCache} from '../../source/store/memo.js';
import {createIncidentStore} from '../../source/store/store.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {runbookFixture, timelineEvent} from '../support/fixtures.js';
import {keys, renderCockpit} from '../support/render-cockpit.js';

const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 10, 22, 3, minute, second)).toISOString();
const note = (text: string, minute: number) => timelineEvent('note.added', {text}, at(minute));
const oom = (pod: string, restarts: number, minute: number, second = 0) =>
	timelineEvent('signal', {kind: 'pod.oomkilled', level: 'crit', message: `pod ${pod} OOMKilled (deployment api), ${restarts} restarts`, subject: `pod/${pod}`, value: restarts}, at(minute, second));

/** The row the cockpit marks selected (▶) in a frame. */
const selectedLine = (frame: string) => frame.split('\n').find(line => line.startsWith('▶')) ?? '';

describe('the Timeline pane', () => {
	it('opens on the newest event and follows it as events come, until the selection moves', async () => {
		const store = createIncidentStore();
		store.getState().eventsAppended(Array.from({length: 30}, (_, i) => note(`note ${i}`, i)));
		const ui = await renderCockpit({width: 100, height: 30, store});
		await ui.press('5');
		await ui.waitForFrame(f => selectedLine(f).includes('note 29'), 'the newest event selected');
		store.getState().eventsAppended([note('note 30', 40)]);
		await ui.waitForFrame(f => selectedLine(f).includes('note 30'), 'the selection following the newest');
		await ui.press('k');
		await ui.waitForFrame(f => selectedLine(f).includes('note 29'), 'moved up one');
		store.getState().eventsAppended([note('note 31', 41)]);
		await ui.waitForFrame(f => f.includes('note 31') || f.includes('31 events') || f.includes('32 events'), 'the new event counted');
		expect(selectedLine(ui.frame())).toContain('note 29');
	});

	it('folds repeated signals of one pod into one row with a count; the journal’s events stay every one', () => {
		const events: AnyTimelineEvent[] = [note('start', 10)];
		for (let i = 1; i <= 21; i++) events.push(oom('api-7f8b-bbbbb', i, 12, i));
		events.push(oom('api-7f8b-ddddd', 1, 13));
		events.push(note('after', 14));
		const rows = buildTimelineRows(events, {}, new RowCache());
		const texts = rows.map(row => row.cells.map(cell => cell.text).join(' '));
		expect(texts).toHaveLength(4);
		expect(texts.find(text => text.includes('api-7f8b-bbbbb'))).toMatch(/OOMKilled ×21 since 03:12/);
		// A pod that was OOMKilled once keeps its own plain row.
		expect(texts.find(text => text.includes('api-7f8b-ddddd'))).not.toContain('×');
		expect(events).toHaveLength(24);
	});

	it('counts down to the escalation in the header, and shows a banner once it passes that signals cannot push away', async () => {
		const runbook = {...runbookFixture(), escalation: [{afterMinutes: 15, to: 'payments-oncall'}]};
		const soon = createIncidentStore({now: () => Date.now() - 10 * 60_000});
		soon.getState().runbookLoaded(runbook);
		const before = await renderCockpit({width: 100, height: 30, store: soon});
		await before.waitForFrame(f => /escalate to payments-oncall in 4:5\d|escalate to payments-oncall in 5:00/.test(f.split('\n')[0]!), 'the countdown in the header');
		before.unmount();

		const late = createIncidentStore({now: () => Date.now() - 16 * 60_000});
		late.getState().runbookLoaded(runbook);
		late.getState().eventsAppended(Array.from({length: 40}, (_, i) => oom(`api-${i}`, 1, 20, i)));
		const after = await renderCockpit({width: 100, height: 30, store: late});
		await after.waitForFrame(f => /Escalate to payments-oncall now: open 15 min without mitigation/.test(f.split('\n')[1] ?? ''), 'the banner under the header');
		// The screen is still the terminal's height: the banner took a line from the panes.
		expect(after.frame().split('\n')).toHaveLength(30);
		await after.press(keys.escape);
	});
});
