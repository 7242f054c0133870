import React, {useEffect, useRef, useState} from 'react';
import {Box, Text, useStdout, type Key} from 'ink';
import {useShallow} from 'zustand/react/shallow';
import {useKeyPresses} from './components/use-key-presses.js';
import type {Dialog} from '../store/types.js';
import {focusedKind, paneLines} from '../kinds/panes.js';
import {kindById, kinds} from '../kinds/registry.js';
import {Command, commandFor, keymap} from './keymap.js';
import {handleScreenKey} from './app-keys.js';
import {enableBracketedPaste} from './terminal-modes.js';
import {displayText} from '../text/display.js';
import {useController, useIncident, useNow, useStoreApi} from './context.js';
import {computeLayout, type Layout} from './layout.js';
import {EscalationBanner, Header, useEscalationBanner} from './header.js';
import {Footer} from './footer.js';
import {FilterBar} from './filter-bar.js';
import {HelpOverlay} from './help-overlay.js';
import {KindPane} from './panes/pane.js';
import {ConfirmDialog, confirmTitle} from './dialogs/confirm-dialog.js';
import {PromptDialog} from './dialogs/prompt-dialog.js';
import {DetailsDialog, LogDialog, OutputDialog} from './dialogs/details-dialog.js';
import {QuitDialog} from './dialogs/quit-dialog.js';
import {PickDialog} from './dialogs/pick-dialog.js';
import {HandoverDialog} from './dialogs/handover-dialog.js';
import {VariablesDialog} from './dialogs/variables-dialog.js';
import {FormDialog} from './dialogs/form-dialog.js';

/**
 * The smallest screen the layout fits (header, five pane titles, footer). Below it the frame would
 * be taller or wider than the terminal, which scrolls it into a garble; a one-line notice fits.
 */
export const minimumSize = {width: 40, height: 10};

/** What the notice of a too-small terminal calls an open dialog. */
function dialogTitle(dialog: Dialog): string {
	switch (dialog.kind) {
		case 'confirm':
			return confirmTitle(dialog.request);
		case 'log':
			return 'Log';
		case 'quit':
			return 'Quit incident-tui?';
		default:
			return dialog.title;
	}
}

/** Bracketed paste on while the cockpit takes keys (terminal-modes.ts), off again when it ends. */
function useBracketedPaste(active: boolean): void {
	const {stdout} = useStdout();
	useEffect(() => (active ? enableBracketedPaste(stdout) : undefined), [stdout, active]);
}

/** The terminal's size, less the line Ink keeps free below a full-screen frame. */
function useTerminalSize(fixed?: {width: number; height: number}): {width: number; height: number} {
	const {stdout} = useStdout();
	const read = () => ({width: fixed?.width ?? stdout.columns ?? 80, height: fixed?.height ?? (stdout.rows ?? 24) - 1});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) return;
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, fixed]);
	return size;
}

/** The open dialog's view (the filter prompt is drawn in the footer line instead). */
function dialogView(dialog: Dialog, common: {width: number; height: number; isActive: boolean}): React.ReactNode {
	switch (dialog.kind) {
		case 'confirm':
			return <ConfirmDialog key={[dialog.request.id, ...dialog.request.warnings].join('\n')} request={dialog.request} {...common} />;
		case 'prompt':
			return <PromptDialog title={dialog.title} initial={dialog.value} {...common} />;
		case 'details':
			return <DetailsDialog title={dialog.title} lines={dialog.lines} parts={dialog.parts} output={dialog.output} {...common} />;
		case 'output':
			return <OutputDialog title={dialog.title} {...common} />;
		case 'log':
			return <LogDialog {...common} />;
		case 'quit':
			return <QuitDialog {...common} />;
		case 'handover':
			return <HandoverDialog title={dialog.title} text={dialog.text} from={dialog.from} {...common} />;
		case 'pick':
			return <PickDialog key={`${dialog.purpose}:${dialog.title}`} purpose={dialog.purpose} title={dialog.title} items={dialog.items} current={dialog.current} note={dialog.note} filterable={dialog.filterable} {...common} />;
		case 'variables':
			// Opened again with the problem when a value is refused: drawn afresh from the values it gives.
			return <VariablesDialog key={`${dialog.stepId}:${dialog.problem ?? ''}`} title={dialog.title} stepId={dialog.stepId} commandIndex={dialog.commandIndex} fields={dialog.fields} problem={dialog.problem} {...common} />;
		case 'form':
			return <FormDialog key={`${dialog.action}:${dialog.problem ?? ''}`} form={dialog} {...common} />;
	}
}

/**
 * The panes, one per kind, in the layout's columns. They stay mounted under the help (display none:
 * not laid out, not drawn), so closing it shows them again without rebuilding the panes and their rows.
 */
function PanesView(props: {layout: Layout; focus: string; hidden: boolean}) {
	const {layout} = props;
	return (
		<Box display={props.hidden ? 'none' : 'flex'} flexDirection="row" height={layout.bodyHeight} gap={1}>
			{layout.columns.map((column, i) => (
				<Box key={i} flexDirection="column" width={column[0]!.width}>
					{column.map(box => (
						<KindPane key={box.id} kind={kindById(box.id)!} width={box.width} height={box.height} focused={box.id === props.focus} />
					))}
				</Box>
			))}
		</Box>
	);
}

/**
 * A terminal smaller than the layout: one notice. Keys still work (q, then y, quits); the cockpit
 * comes back as the window grows. An open dialog stays mounted out of sight (`hidden`), so it still
 * owns its keys: a confirmation can be cancelled and a quit confirmed; the notice names it.
 */
function TooSmall(props: {terminal: {width: number; height: number}; dialog: Dialog | null; hidden: React.ReactNode}) {
	const {terminal, dialog} = props;
	return (
		<Box width={terminal.width} flexDirection="column">
			<Text>{`incident-tui needs ${minimumSize.width}×${minimumSize.height + 1}; this terminal is ${terminal.width}×${terminal.height + 1}`}</Text>
			{dialog ? <Text>{`${displayText(dialogTitle(dialog))} · esc cancels; enlarge the window to read it`}</Text> : null}
			<Box display="none">{props.hidden}</Box>
		</Box>
	);
}

/** The panes focused so far, most recent first, each once: a column keeps the layout its last focused pane gave it (computeLayout). */
function useFocusHistory(focus: string): readonly string[] {
	const history = useRef<readonly string[]>([]);
	if (history.current[0] !== focus) history.current = [focus, ...history.current.filter(id => id !== focus)];
	return history.current;
}

/**
 * The App's keys: force-quit always; an open dialog owns every other key; then the help overlay; else
 * the focused pane's (ui/app-keys.ts). A paste is never taken as keys.
 */
function useAppKeys({dialog, height, width, now, inputActive}: {dialog: unknown; height: number; width: number; now: number; inputActive: boolean}) {
	const store = useStoreApi();
	const controller = useController();
	const handleKey = (input: string, key: Key) => {
		const state = store.getState();
		if (commandFor(input, key, [Command.ForceQuit])) {
			controller.quit();
			return;
		}
		// An open dialog owns every other key. Both the rendered and the current state count: a
		// dialog's own handler may have closed it during this very key event (its 'n' is not ours).
		if (dialog || state.ui.dialog) return;
		if (state.ui.help) {
			if (commandFor(input, key, [Command.Help, Command.Cancel, Command.Quit])) state.helpToggled(false);
			return;
		}
		handleScreenKey(input, key, {store, controller, page: Math.max(1, Math.floor(height / 3)), width, now});
	};

	// Pasted text is never taken as keys: a pasted "u" or line break must not act.
	const pasted = () => store.getState().flashed(`pasted text is not taken as keys: press ${keymap[Command.Note].label} to paste it into a note`, 'warn');
	useKeyPresses(handleKey, {isActive: inputActive, onPaste: pasted});
	useBracketedPaste(inputActive);
}

/**
 * The cockpit: header, one pane per kind (kinds/registry.ts), footer. Keys go to the open dialog if there is one (it owns
 * input), else to the help overlay, else here, where they are routed to the focused pane.
 */
export function App(props: {size?: {width: number; height: number}; inputActive?: boolean}) {
	const terminal = useTerminalSize(props.size);
	const tooSmall = terminal.width < minimumSize.width || terminal.height < minimumSize.height;
	const width = Math.max(minimumSize.width, terminal.width);
	const height = Math.max(minimumSize.height, terminal.height);
	const store = useStoreApi();
	const focus = useIncident(s => focusedKind(s).id);
	const dialog = useIncident(s => s.ui.dialog);
	const help = useIncident(s => s.ui.help);
	// What each pane would fill; a pane that grows (the timeline) takes what the others leave.
	const wants = useIncident(useShallow(s => Object.fromEntries(kinds.filter(kind => !kind.layout.grows).map(kind => [kind.id, paneLines(s, kind, store.cache)]))));
	const inputActive = props.inputActive ?? true;
	const banner = useEscalationBanner();
	// The screen clock: enter reads the footer's message as the footer drew it.
	const now = useNow();

	useAppKeys({dialog, height, width, now, inputActive});

	const focused = useFocusHistory(focus);
	// The escalation banner takes its line from the panes.
	const layout: Layout = computeLayout(width, height - (banner ? 1 : 0), focus, wants, undefined, focused);
	/** A dialog, drawn over the foot of the panes, which stay live around it. */
	let overlay: React.ReactNode = null;
	/** The help: it takes the whole body, so it replaces the panes. */
	let helpView: React.ReactNode = null;
	const dialogActive = inputActive && Boolean(dialog);
	// The filter is typed in the footer line; the panes stay in view and narrow as you type.
	const filtering = dialog?.kind === 'prompt' && dialog.purpose === 'filter' ? dialog : null;
	if (dialog && !filtering) {
		overlay = dialogView(dialog, {width, height: layout.bodyHeight, isActive: dialogActive});
	} else if (help) {
		helpView = <HelpOverlay width={width} height={layout.bodyHeight} isActive={inputActive} />;
	}
	const panesView = <PanesView layout={layout} focus={focus} hidden={Boolean(helpView)} />;
	if (tooSmall) {
		const filterBar = filtering ? <FilterBar pane={focus} initial={filtering.value} width={width} isActive={inputActive} /> : null;
		return (
			<TooSmall
				terminal={terminal}
				dialog={dialog}
				hidden={
					<>
						{overlay}
						{filterBar}
					</>
				}
			/>
		);
	}
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Header width={width} />
			{banner ? <EscalationBanner width={width} text={banner} /> : null}
			<Box height={layout.bodyHeight} flexDirection="column">
				{panesView}
				{helpView}
				{overlay ? (
					// Drawn after the panes, so over them, at the foot of the body: the signals at the top
					// (health, the error rate) stay in view while the operator decides.
					<Box position="absolute" width={width} height={layout.bodyHeight} flexDirection="column" justifyContent="flex-end">
						{overlay}
					</Box>
				) : null}
			</Box>
			{filtering ? <FilterBar pane={focus} initial={filtering.value} width={width} isActive={inputActive} /> : <Footer width={width} />}
		</Box>
	);
}
