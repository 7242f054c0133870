import {describe, expect, it} from 'vitest';
import {noteLimit} from '../../source/ui/dialogs/prompt-dialog.js';
import {keys, renderCockpit} from '../support/render-cockpit.js';

/**
 * A 100 KB paste into the note prompt froze the cockpit for ~20 s (87 s here, under ink-testing-
 * library): every chunk re-laid out and truncated the whole value, and meanwhile the sources could
 * not run (a false unhealthy/healthy-again pair of health signals). The prompt now draws only the
 * end of the value that fits, and keeps what the journal keeps of a note, saying what it left out.
 * How long a paste takes is a bench figure (note_paste_100kb_ms), not asserted here.
 */
describe('a 100 KB paste into the note prompt', () => {
	it('is taken as it arrives (4 KB chunks), kept up to the limit with a message, and saved whole on enter', async () => {
		const ui = await renderCockpit({width: 100, height: 30});
		await ui.press('n');
		await ui.waitForFrame(f => f.includes('Add a note to the timeline'), 'the note prompt');
		const paste = `${'incident notes '.repeat(6)}end of line. `.repeat(1100);
		expect(paste.length).toBeGreaterThan(100_000);
		for (let at = 0; at < paste.length; at += 4096) await ui.press(paste.slice(at, at + 4096));
		const kept = paste.slice(0, noteLimit);
		await ui.waitForFrame(f => f.includes(`a note keeps ${noteLimit} characters: ${paste.length - noteLimit} more were not added`), 'the limit said');
		// The prompt line shows the end of what is kept, on one line.
		const promptLine = ui.frame().split('\n').find(line => line.includes('> '))!;
		expect(promptLine).toContain(`${kept.trimEnd().slice(-20)}`);
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'addNote'), 'the note saved');
		const notes = ui.controller.calls.filter(([name]) => name === 'addNote').map(([, args]) => args[0]);
		expect(notes).toEqual([kept.trim()]);
	}, 60_000);

	it('keeps a multi-line paste in the prompt as before: its line breaks neither save nor cancel it', async () => {
		const ui = await renderCockpit({width: 100, height: 30});
		await ui.press('n');
		await ui.waitForFrame(f => f.includes('Add a note to the timeline'), 'the note prompt');
		await ui.press('first line\rsecond line\r\nthird line');
		expect(ui.store.getState().ui.dialog?.kind).toBe('prompt');
		await ui.press(keys.enter);
		await ui.waitForFrame(() => ui.controller.calls.some(([name]) => name === 'addNote'), 'the note saved');
		const [note] = ui.controller.calls.filter(([name]) => name === 'addNote').map(([, args]) => String(args[0]));
		expect(note).toMatch(/^first line.*second line.*third line$/);
	});
});

/**
 * A bracketed paste (the terminal wraps it in ESC[200~ … ESC[201~ while the cockpit runs) is text:
 * its line breaks stay in a note, and it is never read as keys. Ink 6.8 passes the markers on as
 * "[200~"/"[201~" and a line break as enter: the note became `[200~line one` saved at the first
 * line break, and the rest of the paste ran as the cockpit's keys.
 */
describe('a bracketed paste', () => {
	const paste = (text: string) => `\u001B[200~${text}\u001B[201~`;
	const notes = (ui: Awaited<ReturnType<typeof renderCockpit>>) => ui.controller.calls.filter(([name]) => name === 'addNote').map(([, args]) => String(args[0]));

	it('into the note prompt keeps its line breaks, in one chunk or several (a line break alone in its chunk)', async () => {
		const ui = await renderCockpit({width: 100, height: 30});
		await ui.press('n');
		await ui.waitForFrame(f => f.includes('Add a note to the timeline'), 'the note prompt');
		await ui.press(paste('line one\rsecond line'));
		expect(ui.store.getState().ui.dialog?.kind).toBe('prompt');
		await ui.press(keys.enter);
		await ui.waitForFrame(() => notes(ui).length === 1, 'the note saved');
		await ui.press('n');
		await ui.waitForFrame(f => f.includes('Add a note to the timeline'), 'the note prompt again');
		await ui.press('\u001B[200~third', '\r', 'fourth\r\n', 'fifth\u001B[201~');
		expect(ui.store.getState().ui.dialog?.kind).toBe('prompt');
		await ui.press(keys.enter);
		await ui.waitForFrame(() => notes(ui).length === 2, 'the second note saved');
		expect(notes(ui)).toEqual(['line one\nsecond line', 'third\nfourth\nfifth']);
	});

	it('on the main screen is not taken as keys, and says so', async () => {
		const ui = await renderCockpit({width: 100, height: 30});
		await ui.press(paste('3u\r'));
		await ui.waitForFrame(f => f.includes('pasted text is not taken as keys'), 'the paste refused');
		expect(ui.store.getState().ui.focus).toBeNull();
		expect(ui.controller.calls).toEqual([]);
	});

	it('into the filter is typed on one line', async () => {
		const ui = await renderCockpit({width: 100, height: 30});
		await ui.press('/');
		await ui.waitForFrame(f => f.includes('filter health'), 'the filter bar');
		await ui.press(paste('check\rout'));
		await ui.waitForFrame(() => ui.store.getState().ui.filter.health === 'check out', 'the filter typed');
		expect(ui.store.getState().ui.dialog?.kind).toBe('prompt');
	});
});
