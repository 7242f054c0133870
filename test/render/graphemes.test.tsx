import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import React from 'react';
import stringWidth from 'string-width';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ActionRequest} from '../../source/actions/types.js';
import type {DeploymentInfo, PodInfo} from '../../source/ports/cluster.js';
import type {Runbook} from '../../source/runbook/model.js';
import {createIncidentStore, type IncidentStore} from '../../source/store/store.js';
import type {Dialog} from '../../source/store/types.js';
import type {HealthRow} from '../../source/kinds/health/data.js';
import type {MetricRow} from '../../source/kinds/metrics/data.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {unicode11Terminal} from '../text/terminal-widths.js';
import {recordingController} from '../support/render-cockpit.js';
import {waitFor} from '../support/wait.js';
import {alertsData} from '../../source/kinds/alerts/data.js';
import {clusterData} from '../../source/kinds/pods/cluster-data.js';
import {healthData} from '../../source/kinds/health/data.js';
import {metricsData} from '../../source/kinds/metrics/data.js';
import {podsData} from '../../source/kinds/pods/data.js';

/**
 * Text from outside, of every kind of grapheme terminals draw (emoji with skin tones, ZWJ
 * sequences, flags, keycaps, variation selectors, combining marks, CJK and Hangul, fullwidth
 * forms, emoji newer than a terminal's tables, invisible and control characters), put in every
 * free-text field of the cockpit at once; each frame Ink writes is drawn by a real terminal
 * emulator that measures code points with Unicode 11 tables, as xterm, VTE and tmux do, and every
 * row of its screen must hold each character exactly where Ink laid it out (string-width, which
 * grapheme-joining terminals agree with): nothing pushed right, no line wrapped, the header on the
 * first row, the footer on the last, the numbers in their columns.
 *
 * The strings come from a fixed seed (printed with any failure); 2,000 and more per run, many per frame.
 */

const seed = Number(process.env.GRAPHEME_SEED ?? 20261219);
const frames = 44;

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function random(start: number): () => number {
	let state = start >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const pieces: string[][] = [
	// plain words and punctuation
	['checkout', 'api-7d9f8', 'p95', 'error', '5xx', 'db', 'ok', '—', '…', '→', 'µs', 'naïve', 'Łódź'],
	// emoji, alone and with skin tones
	['\u{1F44D}', '\u{1F44D}\u{1F3FD}', '\u{1F44B}\u{1F3FF}', '\u{1F525}', '\u{1F680}', '\u{1F6A8}', '\u231A', '\u{1F3FB}'],
	// ZWJ sequences
	['\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', '\u{1F468}\u200D\u{1F4BB}', '\u{1F3F3}\uFE0F\u200D\u{1F308}', '\u{1F9D1}\u{1F3FD}\u200D\u{1F527}'],
	// flags, keycaps, variation selectors
	['\u{1F1E9}\u{1F1EA}', '\u{1F1EF}\u{1F1F5}', '\u{1F1E9}', '1\uFE0F\u20E3', '#\u20E3', '\u2764\uFE0F', '\u2714\uFE0F', '\u231A\uFE0E', '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}'],
	// combining marks, also with nothing to combine with
	['e\u0301', 'a\u0300\u0301\u0302', 'n\u0303', '\u0301', 'Z\u0351\u0352\u0357\u0358', '\u0915\u093F'],
	// East Asian wide and fullwidth, Hangul
	['中文', '日本語', '한국어', '\u1100\u1161\u11A8', '\u1161', 'ＡＢＣ', 'ｶﾞ', '〜'],
	// newer than Unicode 11 tables, and symbols whose width changed
	['\u{1FAE0}', '\u{1F972}', '\u2630', '\u4DC0'],
	// invisible and control characters
	['\u200B', '\u00AD', '\uFEFF', '\u202E', '\t', '\n', '\r', '\u0007', '\u001B[2J', '\u001B]52;c;eA==\u0007', '\u001B[31m', '\u009B1A'],
];

function generator(next: () => number) {
	let count = 0;
	const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
	return {
		/** One outside string: 1 to 12 pieces, mixed. */
		text(): string {
			count++;
			let out = '';
			const length = 1 + Math.floor(next() * 12);
			for (let i = 0; i < length; i++) out += pick(pick(pieces)) + (next() < 0.4 ? ' ' : '');
			return out;
		},
		count: () => count,
	};
}

type Ink = typeof import('ink');
let ink: Ink;
let App: typeof import('../../source/ui/app.js').App;
let CockpitProvider: typeof import('../../source/ui/context.js').CockpitProvider;
let createTheme: typeof import('../../source/ui/theme.js').createTheme;

beforeAll(async () => {
	// Ink decides at import time whether it draws (CI=true: nothing until exit); see incremental.test.tsx.
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	ink = await import('ink');
	({App} = await import('../../source/ui/app.js'));
	({CockpitProvider} = await import('../../source/ui/context.js'));
	({createTheme} = await import('../../source/ui/theme.js'));
});

/** A TTY-like stdout for Ink in debug mode: each render writes the whole frame, kept here. */
function frameStdout(columns: number, rows: number) {
	const written: string[] = [];
	const stdout = Object.assign(new EventEmitter(), {
		isTTY: true,
		columns,
		rows,
		write(chunk: string) {
			written.push(chunk);
			return true;
		},
	});
	// The last whole frame (Ink also writes cursor codes on its own).
	const frames = () => written.filter(chunk => chunk.includes('\n'));
	return {stdout: stdout as unknown as NodeJS.WriteStream, last: () => frames().at(-1) ?? '', count: () => frames().length};
}

const sgr = /\u001B\[[0-9;]*m/g;

/** Where string-width (so Ink) puts each visible grapheme of a row: [column, columns, grapheme]. */
function intendedCells(line: string): Array<[number, number, string]> {
	const cells: Array<[number, number, string]> = [];
	let column = 0;
	for (const {segment} of new Intl.Segmenter(undefined, {granularity: 'grapheme'}).segment(line.replace(sgr, ''))) {
		const width = stringWidth(segment);
		if (segment !== ' ') cells.push([column, width, segment]);
		column += width;
	}
	return cells;
}

/**
 * The row as the terminal drew it, measured against the intended cells: each intended grapheme as
 * the characters the terminal holds in its columns (a terminal may keep a flag's two letters in two
 * cells: the same columns), and whatever it drew outside every intended grapheme's columns.
 */
function drawnAgainst(terminal: ReturnType<typeof unicode11Terminal>, y: number, intended: Array<[number, number, string]>): Array<[number, number, string]> {
	const line = terminal.buffer.active.getLine(y);
	const chars: string[] = [];
	for (let x = 0; x < terminal.cols; x++) {
		const cell = line?.getCell(x);
		chars.push(!cell || cell.getWidth() === 0 ? '' : cell.getChars() || ' ');
	}
	const covered = new Set<number>();
	const drawn: Array<[number, number, string]> = intended.map(([column, width]) => {
		for (let x = column; x < column + Math.max(1, width); x++) covered.add(x);
		return [column, width, chars.slice(column, column + Math.max(1, width)).join('').trimEnd()];
	});
	chars.forEach((char, x) => {
		if (!covered.has(x) && char !== '' && char !== ' ') drawn.push([x, 1, `stray ${char}`]);
	});
	return drawn;
}

function events(next: ReturnType<typeof generator>, frame: number): AnyTimelineEvent[] {
	const at = (second: number) => new Date(Date.UTC(2026, 11, 19, 3, 0, second)).toISOString();
	const base = {v: 1 as const, by: 'alice@bastion'};
	return [
		{...base, id: `o${frame}`, at: at(0), type: 'incident.opened', data: {title: next.text(), severity: 'SEV2', namespace: 'shop'}},
		{...base, id: `n${frame}a`, at: at(1), type: 'note.added', data: {text: next.text()}},
		{...base, id: `n${frame}b`, at: at(2), type: 'note.added', data: {text: `thanks \u{1F44D}\u{1F3FD} ${next.text()}`}},
		{...base, id: `n${frame}c`, at: at(3), type: 'note.added', data: {text: next.text()}},
		{...base, id: `s${frame}`, at: at(4), type: 'signal', data: {source: 'health', level: 'crit', message: next.text()}},
	] as AnyTimelineEvent[];
}

function health(next: ReturnType<typeof generator>): HealthRow[] {
	return [0, 1].map(i => ({
		name: next.text(),
		url: `http://127.0.0.1:80${i}/health`,
		ok: i === 0,
		status: i === 0 ? 200 : 503,
		latencyMs: 4 + i,
		tone: i === 0 ? 'ok' : 'crit',
		...(i === 1 ? {detail: next.text()} : {}),
		dependencies: [0, 1].map(() => ({name: next.text(), status: next.text(), ok: true, latencyMs: 2, tone: 'ok' as const})),
		checkedAt: 0,
	}));
}

function metrics(next: ReturnType<typeof generator>): MetricRow[] {
	const series = (labels: string, value: number) => ({labels, value, history: [value, value], tone: 'ok' as const});
	return [
		{id: 'ratio', title: next.text(), promql: 'x', unit: 'ratio', warn: 0.01, critical: 0.05, direction: 'above', series: [series('', 0.0123)], tone: 'warn'},
		{id: 'byRoute', title: next.text(), promql: 'y', unit: 'ratio', direction: 'above', series: [series(`route=${next.text()}`, 0.5), series(`route=${next.text()}`, 0.25)], tone: 'ok'},
		{id: 'broken', title: next.text(), promql: 'z', unit: 'ratio', direction: 'above', series: [], tone: 'crit', error: next.text()},
	];
}

function cluster(next: ReturnType<typeof generator>): {pods: PodInfo[]; deployments: DeploymentInfo[]} {
	const name = next.text();
	const deployment: DeploymentInfo = {name, namespace: 'shop', revision: 3, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2, images: [next.text()], generation: 1, observedGeneration: 1, rolloutComplete: true, createdAt: '2026-12-19T02:00:00Z'};
	const pods = [0, 1, 2].map(i => ({name: next.text(), namespace: 'shop', deployment: i < 2 ? name : undefined, phase: 'Running', ready: 1, containers: 1, restarts: i, waitingReason: i === 2 ? next.text() : undefined, node: next.text(), createdAt: '2026-12-19T02:00:00Z'}));
	return {pods, deployments: [deployment]};
}

function runbook(next: ReturnType<typeof generator>): Runbook {
	return {
		id: 'rb',
		title: next.text(),
		source: 'test',
		alerts: [],
		variables: [],
		queries: [],
		sections: [],
		steps: [0, 1, 2].map(i => ({id: `st${i}`, title: next.text(), section: i === 0 ? next.text() : undefined, depth: 0, text: [next.text()], queries: [], commands: []})),
	} as unknown as Runbook;
}

function dialog(next: ReturnType<typeof generator>, frame: number, store: IncidentStore): Dialog | null {
	switch (frame % 6) {
		case 0: {
			store.getState().logFollowed(frame, next.text(), 100);
			store.getState().logOpened(frame, next.text());
			store.getState().logLines(frame, [next.text(), next.text(), next.text()]);
			return {kind: 'log'};
		}
		case 1:
			return {kind: 'details', title: next.text(), lines: [next.text(), next.text(), next.text()], output: true};
		case 2:
			return {kind: 'prompt', purpose: 'note', title: 'Add a note to the timeline', value: next.text()};
		case 3:
			return {kind: 'pick', purpose: 'runbook', title: 'Active runbook', items: [{label: next.text(), value: 'a'}, {label: next.text(), value: 'b'}]};
		case 4: {
			const request: ActionRequest = {
				id: `act${frame}`,
				kind: 'rollback',
				title: 'Roll back',
				dangerous: true,
				target: {context: 'prod', namespace: 'shop', object: `deployment/${next.text()}`},
				change: next.text(),
				kubectl: next.text(),
				details: [next.text()],
				warnings: [next.text()],
				timeoutMs: 1000,
				params: {kind: 'restart', deployment: next.text(), where: {context: 'prod', namespace: 'shop'}, production: false},
			};
			return {kind: 'confirm', request};
		}
		default:
			return {kind: 'details', title: next.text(), lines: [next.text(), '', next.text()]};
	}
}

const sizes = [
	{width: 100, height: 30},
	{width: 160, height: 40},
];
const focuses: string[] = ['health', 'metrics', 'pods', 'runbook', 'timeline'];

let cleanup: Array<() => void> = [];
afterAll(() => {
	for (const step of cleanup.reverse()) step();
});

describe('text from outside in every field, drawn by a terminal (property, fixed seed)', () => {
	it(`keeps every row the width Ink laid out, over ${frames} frames of generated strings (seed ${seed})`, async () => {
		const next = generator(random(seed));
		for (let frame = 0; frame < frames; frame++) {
			const size = sizes[frame % sizes.length]!;
			const store = createIncidentStore({incidentId: 'inc-20261219-0300-test', env: {context: 'prod', namespace: 'shop'}, now: () => Date.UTC(2026, 11, 19, 3, 5)});
			const state = store.getState();
			state.eventsAppended(events(next, frame));
			state.dataReceived(healthData, health(next));
			state.dataReceived(metricsData, metrics(next));
			state.dataReceived(alertsData, [0, 1].map(() => ({name: next.text(), state: 'firing', labels: {}, summary: next.text()})));
			const {pods, deployments} = cluster(next);
			state.dataReceived(podsData, clusterData(pods, deployments));
			state.runbookLoaded(runbook(next));
			state.focusChanged(focuses[frame % focuses.length]!);
			const open = dialog(next, frame, store);
			if (open) state.dialogOpened(open);
			else state.flashed(next.text());
			if (frame % 6 === 5) state.flashed(next.text(), 'warn');

			const out = frameStdout(size.width, size.height + 1);
			const stdin = Object.assign(new PassThrough(), {isTTY: false, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin});
			const instance = ink.render(
				<CockpitProvider store={store} controller={recordingController()} theme={createTheme({color: true})}>
					<App size={size} inputActive={false} />
				</CockpitProvider>,
				{stdout: out.stdout, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, patchConsole: false, exitOnCtrlC: false},
			);
			await waitFor(() => out.count() > 0, {message: 'a first frame'});
			// Effects (a dialog's first measure) may render once more: take the frame once writes settle.
			let seen = -1;
			await waitFor(
				async () => {
					const count = out.count();
					const settled = count === seen;
					seen = count;
					await new Promise(resolve => setTimeout(resolve, 20));
					return settled;
				},
				{message: 'frames settled'},
			);
			const written = out.last();
			instance.unmount();
			const lines = written.split('\n');
			const context = `seed ${seed}, frame ${frame} (${size.width}x${size.height}); replay with GRAPHEME_SEED=${seed}\n${written.replace(sgr, '')}`;

			// Ink's own frame: exactly the screen's height, no row wider than the screen.
			expect(lines.length, context).toBe(size.height);
			lines.forEach((line, y) => expect(stringWidth(line), `row ${y} is too wide: ${JSON.stringify(line.replace(sgr, ''))}; ${context}`).toBeLessThanOrEqual(size.width));

			// The terminal draws it: every row as laid out, none wrapped.
			const terminal = unicode11Terminal(size.width, size.height);
			cleanup.push(() => terminal.dispose());
			await new Promise<void>(resolve => terminal.write(written, resolve));
			const buffer = terminal.buffer.active;
			for (let y = 0; y < size.height; y++) {
				expect(buffer.getLine(y)?.isWrapped, `row ${y} wrapped; ${context}`).toBe(false);
				const intended = intendedCells(lines[y]!);
				expect(drawnAgainst(terminal, y, intended), `row ${y}; ${context}`).toEqual(intended);
			}
			// The header on the first row, the footer on the last.
			expect(buffer.getLine(0)!.translateToString(true), context).toMatch(/^ SEV2 investigating /);
			// The footer on the last row, as Ink wrote it: the key hints of the focused pane, or a flash.
			const footer = buffer.getLine(size.height - 1)!.translateToString(true);
			expect(footer, context).not.toBe('');
			expect(footer, context).toBe(lines.at(-1)!.replace(sgr, '').trimEnd());
			// Numbers in their column: the ratio query's value ends at the same column on every frame.
			const ratio = lines.findIndex(line => line.replace(sgr, '').includes('1.23%'));
			if (ratio >= 0) {
				const text = buffer.getLine(ratio)!.translateToString(true);
				const drawnEnd = drawnAgainst(terminal, ratio, intendedCells(lines[ratio]!)).find(([, , chars]) => chars === '%')?.[0];
				expect(drawnEnd, `the ratio's % column; ${context}\n${text}`).toBe(2 + 16 + 1 + 9 - 1);
			}
			terminal.dispose();
			cleanup.pop();
		}
		expect(next.count()).toBeGreaterThanOrEqual(2000);
	}, 120_000);
});
