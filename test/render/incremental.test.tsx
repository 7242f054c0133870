import React from 'react';
import {afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {waitFor} from '../support/wait.js';
import {createVirtualTerminal, type VirtualTerminal} from './virtual-terminal.js';

/**
 * Ink's incremental renderer (patched by patches/ink+6.8.0.patch) must leave the terminal showing
 * exactly the last frame: each frame's bytes go through a real terminal emulator and the screen is
 * compared row by row. Unpatched Ink 6.8 moves the cursor up one line too few before each frame,
 * so every frame lands one row lower than the one before and this comparison fails.
 */

type Ink = typeof import('ink');
let ink: Ink;

beforeAll(async () => {
	// Ink decides at import time (is-in-ci) whether to draw at all; CI=true would make it write
	// nothing until exit. This file's module graph is its own, so the import below sees the change.
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	// Colours on (chalk reads this at import), so the screen comparisons also cover styled cells.
	process.env.FORCE_COLOR = '1';
	ink = await import('ink');
});

const COLUMNS = 40;
const ROWS = 20;

function Frame({lines}: {lines: string[]}) {
	const {Box, Text} = ink;
	return (
		<Box flexDirection="column">
			{lines.map((line, index) => (
				<Text key={index}>{line}</Text>
			))}
		</Box>
	);
}

/** `height` lines; every third line names the frame, the others never change. */
function frameLines(frame: number, height: number): string[] {
	return Array.from({length: height}, (_, row) => (row % 3 === 0 ? `row ${row} frame ${frame}` : `row ${row} steady`));
}

function expectedScreen(lines: string[]): string[] {
	return [...lines, ...Array.from({length: ROWS - lines.length}, () => '')];
}

let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const step of cleanup.reverse()) step();
	cleanup = [];
});

function start(lines: string[]): {terminal: VirtualTerminal; rerender: (lines: string[]) => void} {
	const terminal = createVirtualTerminal(COLUMNS, ROWS);
	const instance = ink.render(<Frame lines={lines} />, {
		stdout: terminal.stdout,
		stdin: terminal.stdin,
		stderr: terminal.stdout,
		incrementalRendering: true,
		patchConsole: false,
		exitOnCtrlC: false,
		maxFps: 30,
	});
	cleanup.push(() => terminal.dispose(), () => instance.unmount());
	return {terminal, rerender: next => instance.rerender(<Frame lines={next} />)};
}

/** Waits until the emulator shows `marker` somewhere (the frame was written), then returns the screen. */
async function screenAfter(terminal: VirtualTerminal, marker: string): Promise<string[]> {
	await waitFor(async () => (await terminal.screen()).some(row => row.includes(marker)), {
		timeoutMs: 5000,
		message: `the terminal never showed "${marker}"; screen:\n${(await terminal.screen()).join('\n')}`,
	});
	return terminal.screen();
}

describe('Ink incremental rendering in a real terminal emulator', () => {
	it('keeps a constant-height frame in place while only some lines change', async () => {
		const {terminal, rerender} = start(frameLines(0, 10));
		expect(await screenAfter(terminal, 'frame 0')).toEqual(expectedScreen(frameLines(0, 10)));
		for (let frame = 1; frame <= 8; frame++) {
			rerender(frameLines(frame, 10));
			expect(await screenAfter(terminal, `frame ${frame}`), `screen after frame ${frame}`).toEqual(expectedScreen(frameLines(frame, 10)));
		}
	});

	it('rewrites only the changed lines', async () => {
		const {terminal, rerender} = start(frameLines(0, 12));
		await screenAfter(terminal, 'frame 0');
		const first = terminal.bytesWritten();
		const lines = frameLines(0, 12);
		lines[6] = 'row 6 changed alone';
		rerender(lines);
		expect(await screenAfter(terminal, 'changed alone')).toEqual(expectedScreen(lines));
		const second = terminal.bytesWritten() - first;
		// The second frame carries one line of text plus cursor moves; the first carried all twelve.
		expect(second).toBeLessThan(first / 2);
	});

	it('stays aligned when frames shrink and grow, down to a single line', async () => {
		const heights = [10, 6, 1, 8, 8, 3, 12, 12];
		const {terminal, rerender} = start(frameLines(0, heights[0]!));
		expect(await screenAfter(terminal, 'frame 0')).toEqual(expectedScreen(frameLines(0, heights[0]!)));
		for (let frame = 1; frame < heights.length; frame++) {
			const lines = frameLines(frame, heights[frame]!);
			rerender(lines);
			expect(await screenAfter(terminal, `frame ${frame}`), `screen after frame ${frame} (${heights[frame]} lines)`).toEqual(expectedScreen(lines));
		}
	});
});

describe('Ink output caches shared across frames (patches/ink+6.8.0.patch)', () => {
	function Clipped({lines}: {lines: string[]}) {
		const {Box, Text} = ink;
		// The inner box is wider than the outer one, so every line goes through Ink's clip (slice) path.
		return (
			<Box width={20} overflow="hidden" flexDirection="column">
				<Box width={40} flexShrink={0} flexDirection="column">
					{lines.map((line, index) => (
						<Text key={index} color={index % 2 ? 'red' : 'green'}>
							{line}
						</Text>
					))}
				</Box>
			</Box>
		);
	}

	it('shows each frame exactly when lines alternate between values seen in earlier frames', async () => {
		const terminal = createVirtualTerminal(COLUMNS, ROWS);
		const a = ['alpha-alpha-alpha-alpha-alpha-alpha-aa', 'bravo-bravo-bravo-bravo-bravo-bravo-bb', 'charlie-charlie-charlie-charlie-charlie'];
		const b = ['delta-delta-delta-delta-delta-delta-dd', 'bravo-bravo-bravo-bravo-bravo-bravo-bb', 'echo-echo-echo-echo-echo-echo-echo-ee'];
		const instance = ink.render(<Clipped lines={a} />, {stdout: terminal.stdout, stdin: terminal.stdin, stderr: terminal.stdout, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false, maxFps: 30});
		cleanup.push(() => terminal.dispose(), () => instance.unmount());
		const clipped = (lines: string[]) => expectedScreen(lines.map(line => line.slice(0, 20)));
		expect(await screenAfter(terminal, 'alpha-alpha')).toEqual(clipped(a));
		for (let round = 0; round < 4; round++) {
			instance.rerender(<Clipped lines={b} />);
			expect(await screenAfter(terminal, 'delta-delta')).toEqual(clipped(b));
			instance.rerender(<Clipped lines={a} />);
			expect(await screenAfter(terminal, 'alpha-alpha')).toEqual(clipped(a));
		}
	});
});

describe('Ink composing only the rows whose writes changed (patches/ink+6.8.0.patch)', () => {
	/** Four rows, each written by two boxes side by side, with wide characters, and an overlay written over row 1. */
	function Composite({right, overlay}: {right: string; overlay: boolean}) {
		const {Box, Text} = ink;
		return (
			<Box flexDirection="column" width={COLUMNS}>
				{[0, 1, 2, 3].map(row => (
					<Box key={row}>
						<Box width={20}>
							<Text color="green">{`left ${row} 漢字`}</Text>
						</Box>
						<Box width={20}>
							<Text color="red">{`right ${row} ${right}`}</Text>
						</Box>
					</Box>
				))}
				{overlay ? (
					<Box position="absolute" marginTop={1} marginLeft={12}>
						<Text inverse>OVERLAY</Text>
					</Box>
				) : null}
			</Box>
		);
	}

	function expected(right: string, overlay: boolean): string[] {
		// `left N 漢字` is 11 columns wide: the CJK characters take two each.
		const rows = [0, 1, 2, 3].map(row => `left ${row} 漢字${overlay && row === 1 ? ' OVERLAY ' : ' '.repeat(9)}right ${row} ${right}`);
		return expectedScreen(rows);
	}

	it('shows every row as written when one box of a row changes and an overlay comes and goes', async () => {
		const terminal = createVirtualTerminal(COLUMNS, ROWS);
		const options = {stdout: terminal.stdout, stdin: terminal.stdin, stderr: terminal.stdout, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false, maxFps: 30};
		const instance = ink.render(<Composite right="one" overlay={false} />, options);
		cleanup.push(() => terminal.dispose(), () => instance.unmount());
		expect(await screenAfter(terminal, 'right 3 one')).toEqual(expected('one', false));
		const frames: Array<[string, boolean]> = [
			['two', true],
			['two', false],
			['one', true],
			['one', false],
			['two', true],
		];
		for (const [right, overlay] of frames) {
			instance.rerender(<Composite right={right} overlay={overlay} />);
			await waitFor(async () => (await terminal.screen()).some(row => row.includes(`right 3 ${right}`)) && (await terminal.screen()).some(row => row.includes('OVERLAY')) === overlay, {
				timeoutMs: 5000,
				message: `the terminal never showed frame ${right}/${overlay}:\n${(await terminal.screen()).join('\n')}`,
			});
			expect(await terminal.screen(), `frame ${right}, overlay ${overlay}`).toEqual(expected(right, overlay));
		}
	});
});

describe('Ink rewriting only the changed cells of a line (patches/ink+6.8.0.patch)', () => {
	/** Rows whose middle, end, colour or length change between frames, some after wide characters. */
	function Cells({frame}: {frame: number}) {
		const {Box, Text} = ink;
		const even = frame % 2 === 0;
		return (
			<Box flexDirection="column">
				<Text>
					svc-01 <Text color="green">{even ? '7 ms' : '27 ms'}</Text> healthy
				</Text>
				<Text>
					pod-a Running <Text color={even ? 'yellow' : 'red'}>{even ? '3' : '4'}</Text> {even ? '10s' : '15s'}
				</Text>
				<Text color={even ? 'green' : 'red'}>same text, another colour</Text>
				<Text>{even ? 'a long line that gets shorter' : 'a long line'}</Text>
				<Text>
					漢字 wide first <Text color="cyan">{even ? 'one' : 'two'}</Text> end
				</Text>
				<Text>frame {frame}</Text>
			</Box>
		);
	}

	function expected(frame: number): string[] {
		const even = frame % 2 === 0;
		return expectedScreen([
			`svc-01 ${even ? '7 ms' : '27 ms'} healthy`,
			`pod-a Running ${even ? '3' : '4'} ${even ? '10s' : '15s'}`,
			'same text, another colour',
			even ? 'a long line that gets shorter' : 'a long line',
			`漢字 wide first ${even ? 'one' : 'two'} end`,
			`frame ${frame}`,
		]);
	}

	it('leaves the screen showing each frame, text and colours, without rewriting unchanged leading cells', async () => {
		const terminal = createVirtualTerminal(COLUMNS, ROWS);
		const options = {stdout: terminal.stdout, stdin: terminal.stdin, stderr: terminal.stdout, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false, maxFps: 30};
		const instance = ink.render(<Cells frame={0} />, options);
		cleanup.push(() => terminal.dispose(), () => instance.unmount());
		expect(await screenAfter(terminal, 'frame 0')).toEqual(expected(0));
		for (let frame = 1; frame <= 4; frame++) {
			const writtenBefore = terminal.written().length;
			instance.rerender(<Cells frame={frame} />);
			expect(await screenAfter(terminal, `frame ${frame}`), `screen after frame ${frame}`).toEqual(expected(frame));
			// The colour of the unchanged text of row 2 follows the frame.
			expect(await terminal.foregroundAt(2, 0), `colour of row 2 after frame ${frame}`).toBe(frame % 2 === 0 ? 2 : 1);
			expect(await terminal.foregroundAt(1, 14), `colour of the restart count after frame ${frame}`).toBe(frame % 2 === 0 ? 3 : 1);
			const text = terminal.written().slice(writtenBefore).replace(/\u001B\[[\d;?]*[A-Za-z]/g, '');
			expect(text, 'unchanged leading cells are not rewritten').not.toMatch(/svc-01|pod-a|a long line|frame \d/);
			expect(text, 'a recoloured line is rewritten whole').toContain('same text, another colour');
			expect(text, 'a line with wide characters before its change is rewritten whole').toContain('漢字 wide first');
		}
	});
});

describe("Ink's frame cap (patches/ink+6.8.0.patch)", () => {
	it('draws a change as soon as a frame interval has passed since the previous frame, not an interval after the change', async () => {
		// Time is faked (timers and performance.now) so the test follows the schedule, not this machine's
		// speed; the terminal emulator parses on timers of its own, so this test reads the bytes written.
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'performance']});
		cleanup.push(() => vi.useRealTimers());
		const terminal = createVirtualTerminal(COLUMNS, ROWS);
		// 50 frames a second: one frame every 20 ms.
		const instance = ink.render(<Frame lines={['frame 0']} />, {stdout: terminal.stdout, stdin: terminal.stdin, stderr: terminal.stdout, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false, maxFps: 50});
		cleanup.push(() => terminal.dispose(), () => instance.unmount());
		const written = () => terminal.written().replace(/\u001B\[[\d;?]*[A-Za-z]/g, '');
		const settle = async () => {
			// React commits on a real setImmediate; let it run without moving the faked clock.
			for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve));
		};
		await settle();
		expect(written()).toContain('frame 0');

		vi.advanceTimersByTime(15);
		instance.rerender(<Frame lines={['frame 1']} />);
		await settle();
		expect(written(), '15 ms after the previous frame: held back by the frame cap').not.toContain('1');
		vi.advanceTimersByTime(5);
		await settle();
		expect(written(), '20 ms after the previous frame, 5 ms after the change').toContain('1');

		vi.advanceTimersByTime(100);
		const before = written().length;
		instance.rerender(<Frame lines={['frame 2']} />);
		await settle();
		expect(written().slice(before), 'long after the previous frame: drawn at once').toContain('2');
	});
});

describe('Ink after a terminal resize (patches/ink+6.8.0.patch)', () => {
	/** Rows the layout needs at least: in a smaller terminal its frame is taller than the screen. */
	const MIN_ROWS = 8;

	/** A full-screen layout that follows the terminal's size, as the cockpit's does. */
	function FullScreen({label}: {label: string}) {
		const {Box, Text, useStdout} = ink;
		const {stdout} = useStdout();
		const [size, setSize] = React.useState({columns: stdout.columns, rows: stdout.rows});
		React.useEffect(() => {
			const onResize = () => setSize({columns: stdout.columns, rows: stdout.rows});
			stdout.on('resize', onResize);
			return () => void stdout.off('resize', onResize);
		}, [stdout]);
		const height = Math.max(MIN_ROWS, size.rows);
		return (
			<Box flexDirection="column" width={size.columns} height={height}>
				{Array.from({length: height}, (_, row) => (
					<Text key={row} wrap="truncate">{`${label} ${size.columns}x${size.rows} row ${row} `.padEnd(size.columns, '.')}</Text>
				))}
			</Box>
		);
	}

	function expected(label: string, columns: number, rows: number): string[] {
		return Array.from({length: rows}, (_, row) => `${label} ${columns}x${rows} row ${row} `.padEnd(columns, '.').slice(0, columns));
	}

	it('shows exactly the new frame after the terminal shrinks below the layout and grows again', async () => {
		const terminal = createVirtualTerminal(COLUMNS, ROWS);
		// The cockpit draws on the alternate screen (cli.tsx), as full-screen programs do.
		terminal.stdout.write('\u001B[?1049h');
		const instance = ink.render(<FullScreen label="cockpit" />, {stdout: terminal.stdout, stdin: terminal.stdin, stderr: terminal.stdout, incrementalRendering: true, patchConsole: false, exitOnCtrlC: false, maxFps: 30});
		cleanup.push(() => terminal.dispose(), () => instance.unmount());
		expect(await screenAfter(terminal, `${COLUMNS}x${ROWS}`)).toEqual(expected('cockpit', COLUMNS, ROWS));
		for (const [columns, rows] of [
			[24, 5],
			[COLUMNS, ROWS],
			[30, 3],
			[30, ROWS],
			[COLUMNS, MIN_ROWS],
			[COLUMNS, ROWS],
		] as const) {
			await terminal.resize(columns, rows);
			const shown = await screenAfter(terminal, `${columns}x${rows} row`);
			// Smaller than the layout, the screen shows what fits; from MIN_ROWS up, exactly the frame.
			if (rows >= MIN_ROWS) expect(shown, `screen at ${columns}x${rows}`).toEqual(expected('cockpit', columns, rows));
		}
	});
});
