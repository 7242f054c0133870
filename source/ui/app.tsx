import React, {useEffect, useState} from 'react';
import {Box, Text, useStdout, type Key} from 'ink';
import {useKeyPresses} from './components/use-key-presses.js';
import {paneIds, type Dialog, type PaneId} from '../store/types.js';
import {deploymentOf, logPodOf, paneLines, rowsFor, selectedRef} from '../store/pane-rows.js';
import {severities, statuses} from '../timeline/events.js';
import {runbookChoices, type RunbookChoice} from '../runbook/match.js';
import {Command, commandFor, keymap, paneCommands} from './keymap.js';
import {displayText} from '../text/display.js';
import {useController, useIncident, useStoreApi} from './context.js';
import {computeLayout, type Layout} from './layout.js';
import {Header} from './header.js';
import {Footer} from './footer.js';
import {FilterBar} from './filter-bar.js';
import {HelpOverlay} from './help-overlay.js';
import {HealthPane} from './panes/health-pane.js';
import {MetricsPane} from './panes/metrics-pane.js';
import {PodsPane} from './panes/pods-pane.js';
import {RunbookPane} from './panes/runbook-pane.js';
import {TimelinePane} from './panes/timeline-pane.js';
import type {PaneProps} from './panes/pane-props.js';
import {paneNumbers, paneTitles} from './panes/pane.js';
import {ConfirmDialog, confirmTitle} from './dialogs/confirm-dialog.js';
import {PromptDialog} from './dialogs/prompt-dialog.js';
import {DetailsDialog, LogDialog, OutputDialog} from './dialogs/details-dialog.js';
import {QuitDialog} from './dialogs/quit-dialog.js';
import {PickDialog} from './dialogs/pick-dialog.js';

const panes: Record<PaneId, (props: PaneProps) => React.ReactNode> = {
	health: HealthPane,
	metrics: MetricsPane,
	pods: PodsPane,
	runbook: RunbookPane,
	timeline: TimelinePane,
};

const focusKeys: Array<[Command, PaneId]> = [
	[Command.FocusHealth, 'health'],
	[Command.FocusMetrics, 'metrics'],
	[Command.FocusPods, 'pods'],
	[Command.FocusRunbook, 'runbook'],
	[Command.FocusTimeline, 'timeline'],
];

const globalCommands = [
	Command.Help,
	Command.Quit,
	Command.ForceQuit,
	Command.NextPane,
	Command.PrevPane,
	...focusKeys.map(([c]) => c),
	Command.Up,
	Command.Down,
	Command.PageUp,
	Command.PageDown,
	Command.Top,
	Command.Bottom,
	Command.Note,
	Command.Severity,
	Command.Status,
	Command.PickRunbook,
	Command.Export,
	Command.RunConfigCommand,
	Command.Cancel,
];

/**
 * The smallest screen the layout fits (header, five pane titles, footer). Below it the frame would
 * be taller or wider than the terminal, which scrolls it into a garble; a one-line notice fits.
 */
export const minimumSize = {width: 40, height: 10};

/** Where a key of another pane is said to work: Pods before Health for u/s/r, which work on any Pods row. */
/** "High 5xx error rate  (high-error-rate)  · HighErrorRate: name only, priority 10": a runbook, and why an alert chooses it. */
function runbookChoiceItem(choice: RunbookChoice): {label: string; value: string} {
	const {runbook, why} = choice;
	return {label: `${runbook.title}  (${runbook.id})${why ? `  · ${why}` : ''}`, value: runbook.id};
}

const hintPanes: readonly PaneId[] = ['pods', ...paneIds.filter(p => p !== 'pods')];

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

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

/**
 * The cockpit: header, five panes, footer. Keys go to the open dialog if there is one (it owns
 * input), else to the help overlay, else here, where they are routed to the focused pane.
 */
export function App(props: {size?: {width: number; height: number}; inputActive?: boolean}) {
	const terminal = useTerminalSize(props.size);
	const tooSmall = terminal.width < minimumSize.width || terminal.height < minimumSize.height;
	const width = Math.max(minimumSize.width, terminal.width);
	const height = Math.max(minimumSize.height, terminal.height);
	const store = useStoreApi();
	const controller = useController();
	const focus = useIncident(s => s.ui.focus);
	const dialog = useIncident(s => s.ui.dialog);
	const help = useIncident(s => s.ui.help);
	// What each pane would fill; the timeline, which only grows, takes what the others leave.
	const healthLines = useIncident(s => paneLines(s, 'health'));
	const metricLines = useIncident(s => paneLines(s, 'metrics'));
	const podLines = useIncident(s => paneLines(s, 'pods'));
	const runbookLines = useIncident(s => paneLines(s, 'runbook'));
	const inputActive = props.inputActive ?? true;

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
			const pane = state.ui.focus;
			const command = commandFor(input, key, [...paneCommands[pane], ...globalCommands]);
			if (!command) {
				// A key of another pane (u on the Health pane) said nothing: say where it works.
				for (const other of hintPanes) {
					const elsewhere = other === pane ? undefined : commandFor(input, key, paneCommands[other]);
					if (!elsewhere) continue;
					state.flashed(`${keymap[elsewhere].label}: ${lowerFirst(keymap[elsewhere].help)}, in the ${paneTitles[other]} pane (press ${paneNumbers[other]})`);
					break;
				}
				return;
			}
			const rows = rowsFor(state, pane);
			const page = Math.max(1, Math.floor(height / 3));
			if (keymap[command].dangerous && state.env.readonly) {
				state.flashed(`read-only mode: ${keymap[command].help.toLowerCase()} is disabled`, 'warn');
				return;
			}
			switch (command) {
				case Command.Help:
					state.helpToggled(true);
					return;
				case Command.ForceQuit:
					controller.quit();
					return;
				case Command.Quit:
					if (state.incident.status === 'resolved' || state.incident.closedAt) controller.quit();
					else state.dialogOpened({kind: 'quit'});
					return;
				case Command.NextPane:
				case Command.PrevPane: {
					const i = paneIds.indexOf(pane);
					const delta = command === Command.NextPane ? 1 : paneIds.length - 1;
					state.focusChanged(paneIds[(i + delta) % paneIds.length]!);
					return;
				}
				case Command.Up:
					state.selectionMoved(pane, -1, rows);
					return;
				case Command.Down:
					state.selectionMoved(pane, 1, rows);
					return;
				case Command.PageUp:
					state.selectionMoved(pane, -page, rows);
					return;
				case Command.PageDown:
					state.selectionMoved(pane, page, rows);
					return;
				case Command.Top:
					state.selectionSet(pane, 0, rows);
					return;
				case Command.Bottom:
					state.selectionSet(pane, rows.length - 1, rows);
					return;
				case Command.Filter:
					state.dialogOpened({kind: 'prompt', purpose: 'filter', title: `Filter ${pane}`, value: state.ui.filter[pane]});
					return;
				case Command.Note:
					state.dialogOpened({kind: 'prompt', purpose: 'note', title: 'Add a note to the timeline', value: ''});
					return;
				case Command.Severity:
					state.dialogOpened({kind: 'pick', purpose: 'severity', title: `Severity (now ${state.incident.severity})`, items: severities.map(s => ({label: s, value: s})), current: state.incident.severity});
					return;
				case Command.Status:
					state.dialogOpened({kind: 'pick', purpose: 'status', title: `Status (now ${state.incident.status})`, items: statuses.map(s => ({label: s, value: s})), current: state.incident.status});
					return;
				case Command.PickRunbook: {
					// Those that answer a firing alert first, best first (the first is what an alert chooses), with why; then the rest.
					const choices = runbookChoices(state.alerts, state.runbooks);
					state.dialogOpened({
						kind: 'pick',
						purpose: 'runbook',
						title: choices[0]?.why ? 'Active runbook · those answering a firing alert first, best first' : 'Active runbook',
						items: choices.map(runbookChoiceItem),
						current: state.runbook?.id,
					});
					return;
				}
				case Command.Export:
					controller.exportPostmortem();
					return;
				case Command.RunConfigCommand:
					controller.requestConfigCommand();
					return;
				case Command.Cancel:
					if (state.activity.running) controller.cancelRunning();
					else if (state.ui.filter[pane]) state.filterChanged(pane, '');
					return;
				case Command.Rollback:
				case Command.Scale:
				case Command.Restart: {
					const ref = selectedRef(state, pane);
					const deployment = deploymentOf(ref);
					if (!deployment) {
						state.flashed(
							ref?.kind === 'health'
								? `${ref.service} names no deployment: add \`deployment:\` to it under services in the config, or press 3 and select one`
								: pane === 'health'
									? 'select a service first'
									: 'select a deployment or one of its pods first',
							'warn',
						);
						return;
					}
					controller.requestDeploymentAction(command === Command.Rollback ? 'rollback' : command === Command.Scale ? 'scale' : 'restart', deployment);
					return;
				}
				case Command.FollowLog: {
					const ref = selectedRef(state, pane);
					const pod = logPodOf(state, ref);
					if (pod) controller.followLog(pod);
					else state.flashed(ref?.kind === 'deployment' ? `deployment ${ref.name} has no pods to read a log from` : 'select a pod or a deployment first', 'warn');
					return;
				}
				default:
					break;
			}
			for (const [focusCommand, target] of focusKeys) {
				if (command === focusCommand) {
					state.focusChanged(target);
					return;
				}
			}
			const ref = selectedRef(state, pane);
			if (!ref) return;
			if (command === Command.Details) controller.showDetails(ref);
			else if (command === Command.ToggleStep && ref.kind === 'step') controller.toggleStep(ref.id);
			else if (command === Command.RunCommand && ref.kind === 'step') controller.requestStep(ref.id);
			else if (command === Command.Pin && ref.kind === 'event') controller.togglePin(ref.id);
	};

	useKeyPresses(handleKey, {isActive: inputActive});

	const wants = {health: healthLines, metrics: metricLines, pods: podLines, runbook: runbookLines};
	const layout: Layout = computeLayout(width, height, focus, wants);
	/** A dialog, drawn over the foot of the panes, which stay live around it. */
	let overlay: React.ReactNode = null;
	/** The help: it takes the whole body, so it replaces the panes. */
	let helpView: React.ReactNode = null;
	const dialogActive = inputActive && Boolean(dialog);
	// The filter is typed in the footer line; the panes stay in view and narrow as you type.
	const filtering = dialog?.kind === 'prompt' && dialog.purpose === 'filter' ? dialog : null;
	if (dialog && !filtering) {
		const common = {width, height: layout.bodyHeight, isActive: dialogActive};
		switch (dialog.kind) {
			case 'confirm':
				overlay = <ConfirmDialog key={dialog.request.id} request={dialog.request} {...common} />;
				break;
			case 'prompt':
				overlay = <PromptDialog title={dialog.title} initial={dialog.value} {...common} />;
				break;
			case 'details':
				overlay = <DetailsDialog title={dialog.title} lines={dialog.lines} parts={dialog.parts} output={dialog.output} {...common} />;
				break;
			case 'output':
				overlay = <OutputDialog title={dialog.title} {...common} />;
				break;
			case 'log':
				overlay = <LogDialog {...common} />;
				break;
			case 'quit':
				overlay = <QuitDialog {...common} />;
				break;
			case 'pick':
				overlay = <PickDialog purpose={dialog.purpose} title={dialog.title} items={dialog.items} current={dialog.current} {...common} />;
				break;
		}
	} else if (help) {
		helpView = <HelpOverlay width={width} height={layout.bodyHeight} isActive={inputActive} />;
	}
	// The panes stay mounted under the help (display none: not laid out, not drawn), so closing it
	// shows them again without rebuilding five panes and their rows.
	const panesView = (
		<Box display={helpView ? 'none' : 'flex'} flexDirection="row" height={layout.bodyHeight} gap={1}>
			{layout.columns.map((column, i) => (
				<Box key={i} flexDirection="column" width={column[0]!.width}>
					{column.map(box => {
						const PaneView = panes[box.id];
						return <PaneView key={box.id} width={box.width} height={box.height} focused={box.id === focus} />;
					})}
				</Box>
			))}
		</Box>
	);
	if (tooSmall) {
		// Keys still work (q, then y, quits); the cockpit comes back as the window grows. An open
		// dialog stays mounted out of sight, so it still owns its keys: a confirmation can be
		// cancelled and a quit confirmed; the notice names it.
		return (
			<Box width={terminal.width} flexDirection="column">
				<Text>{`incident-tui needs ${minimumSize.width}×${minimumSize.height + 1}; this terminal is ${terminal.width}×${terminal.height + 1}`}</Text>
				{dialog ? <Text>{`${displayText(dialogTitle(dialog))} · esc cancels; enlarge the window to read it`}</Text> : null}
				<Box display="none">
					{overlay}
					{filtering ? <FilterBar pane={focus} initial={filtering.value} width={width} isActive={inputActive} /> : null}
				</Box>
			</Box>
		);
	}
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Header width={width} />
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
