/**
 * What a key does on the cockpit's main screen (no dialog open, no help): the focused kind's keys
 * first, then the pane numbers, the list keys and the global commands. Named steps, so that `u`
 * can be followed: handleScreenKey -> runKindKey -> KindKey.run -> the controller.
 */
import type {Key} from 'ink';
import {focusedKind, paneProblemLines, rowsFor, selectedRow, unmovedSelection} from '../kinds/panes.js';
import {textWidth} from '../text/display.js';
import {shownFlash} from './footer.js';
import {kinds, paneNumber} from '../kinds/registry.js';
import {alertsData} from '../kinds/alerts/data.js';
import type {Kind, KindKey} from '../kinds/types.js';
import {runbookChoices, type RunbookChoice} from '../runbook/match.js';
import type {IncidentActions, IncidentStore} from '../store/store.js';
import type {IncidentState, PickItem} from '../store/types.js';
import {levelSummary, severityGuidanceFor} from '../runbook/severity.js';
import {severities, statuses, type Severity} from '../timeline/events.js';
import type {CockpitController} from './controller.js';
import {kindKeyElsewhere, kindKeyFor, kindToFocus, listCommands} from './kind-keys.js';
import {Command, commandFor, keymap} from './keymap.js';
import {openRolePicker} from './role-picker.js';
import {actionsLocked, lockedText} from './locked.js';

/** The global commands, in the order they are tried after the focused kind's keys and the list's. */
const globalCommands: readonly Command[] = [
	Command.Help,
	Command.Quit,
	Command.ForceQuit,
	Command.NextPane,
	Command.PrevPane,
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
	Command.Role,
	Command.PickContext,
	Command.PickNamespace,
	Command.RunConfigCommand,
	Command.Cancel,
];

type State = IncidentState & IncidentActions;

export interface ScreenKeyContext {
	store: IncidentStore;
	controller: CockpitController;
	/** Rows a page key moves by. */
	page: number;
	/** The screen's width: what the footer cuts. */
	width: number;
	/** The screen clock now (what the footer and the panes were drawn at). */
	now: number;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** "High 5xx error rate  (high-error-rate)  · HighErrorRate: name only, priority 10": a runbook, and why an alert chooses it. */
function runbookChoiceItem(choice: RunbookChoice): {label: string; value: string} {
	const {runbook, why} = choice;
	return {label: `${runbook.title}  (${runbook.id})${why ? `  · ${why}` : ''}`, value: runbook.id};
}

/** A key of the focused kind: refused in read-only mode when dangerous, said why when it does nothing here, else run. */
function runKindKey(kind: Kind, kindKey: KindKey, state: State, ctx: ScreenKeyContext): void {
	const {binding} = kindKey;
	const lock = binding.dangerous ? actionsLocked(state, ctx.store.cache) : null;
	if (lock) {
		state.flashed(lockedText(lock, binding.help.toLowerCase()), 'warn');
		return;
	}
	const row = selectedRow(state, kind, ctx.store.cache);
	const keyContext = {state, paneNumber, sortChanged: state.sortChanged};
	const reason = kindKey.disabled?.(row, keyContext) ?? null;
	if (reason) {
		state.flashed(reason, 'warn');
		return;
	}
	if (row) kindKey.run(row, ctx.controller, keyContext);
}

/** A key that does nothing in the focused pane but works in another: say where. */
function sayWhereKeyWorks(kind: Kind, input: string, key: Key, state: State): void {
	const elsewhere = kindKeyElsewhere(kind, input, key);
	if (!elsewhere) return;
	const {binding} = elsewhere.key;
	state.flashed(`${binding.label}: ${lowerFirst(binding.help)}, in the ${elsewhere.kind.title} pane (press ${paneNumber(elsewhere.kind.id)})`);
}

/** Moves the focused pane's selection for a list key; false when the command is not one. */
function moveSelection(command: Command, kind: Kind, state: State, ctx: ScreenKeyContext): boolean {
	const rows = rowsFor(state, kind, ctx.store.cache);
	const unmoved = unmovedSelection(kind);
	const moves: Partial<Record<Command, () => void>> = {
		[Command.Up]: () => state.selectionMoved(kind.id, -1, rows, unmoved),
		[Command.Down]: () => state.selectionMoved(kind.id, 1, rows, unmoved),
		[Command.PageUp]: () => state.selectionMoved(kind.id, -ctx.page, rows, unmoved),
		[Command.PageDown]: () => state.selectionMoved(kind.id, ctx.page, rows, unmoved),
		[Command.Top]: () => state.selectionSet(kind.id, 0, rows),
		[Command.Bottom]: () => state.selectionSet(kind.id, rows.length - 1, rows),
	};
	const move = moves[command];
	move?.();
	return Boolean(move);
}

/** A level of the `S` dialog, with the active runbook's own guidance for it beside it (`P0 Critical · respond < 5 minutes · …`). */
function severityItem(state: State, severity: Severity): PickItem {
	const guidance = state.runbook ? severityGuidanceFor(state.runbook, severity).map(levelSummary).join(' | ') : '';
	return guidance ? {label: severity, value: severity, description: guidance} : {label: severity, value: severity};
}

/** Opens the picker of the active runbook: those that answer a firing alert first, best first (the first is what an alert chooses), with why; then the rest. */
function openRunbookPicker(state: State): void {
	const choices = runbookChoices(alertsData.of(state), state.runbooks);
	state.dialogOpened({
		kind: 'pick',
		purpose: 'runbook',
		title: choices[0]?.why ? 'Active runbook · those answering a firing alert first, best first' : 'Active runbook',
		items: choices.map(runbookChoiceItem),
		current: state.runbook?.id,
	});
}

/**
 * enter: a footer message cut at the screen's edge, whole; else the selected row's details (under
 * its pane's problem line, whole: kinds/panes.ts detailsFor); else, in a pane with no rows, its
 * problem line whole (a pane that cannot reach its source often has none). Nothing on screen stays
 * cut for want of a way to read it.
 */
function showWhole(kind: Kind, state: State, ctx: ScreenKeyContext): void {
	const flash = shownFlash(state, ctx.now);
	if (flash && textWidth(`${flash.symbolRoom}${flash.text}`) > ctx.width) {
		state.dialogOpened({kind: 'details', title: 'Message', lines: [flash.text]});
		return;
	}
	const row = selectedRow(state, kind, ctx.store.cache);
	if (row) {
		ctx.controller.showDetails(row.ref);
		return;
	}
	const problem = paneProblemLines(state, kind, ctx.now);
	if (problem) state.dialogOpened({kind: 'details', title: kind.title, lines: [...problem, '', kind.empty(state)]});
}

/** The commands that open a dialog or ask the controller, whatever the pane. */
function runGlobalCommand(command: Command, kind: Kind, state: State, ctx: ScreenKeyContext): void {
	const {controller} = ctx;
	switch (command) {
		case Command.Help:
			return state.helpToggled(true);
		case Command.ForceQuit:
			return controller.quit();
		case Command.Quit:
			if (state.incident.status === 'resolved' || state.incident.closedAt) controller.quit();
			else state.dialogOpened({kind: 'quit'});
			return;
		case Command.NextPane:
		case Command.PrevPane: {
			const delta = command === Command.NextPane ? 1 : kinds.length - 1;
			return state.focusChanged(kinds[(kinds.indexOf(kind) + delta) % kinds.length]!.id);
		}
		case Command.Filter:
			return state.dialogOpened({kind: 'prompt', purpose: 'filter', title: `Filter ${kind.id}`, value: state.ui.filter[kind.id] ?? ''});
		case Command.Note:
			return state.dialogOpened({kind: 'prompt', purpose: 'note', title: 'Add a note to the timeline', value: ''});
		case Command.Severity:
			return state.dialogOpened({kind: 'pick', purpose: 'severity', title: `Severity (now ${state.incident.severity})`, items: severities.map(s => severityItem(state, s)), current: state.incident.severity});
		case Command.Status:
			return state.dialogOpened({kind: 'pick', purpose: 'status', title: `Status (now ${state.incident.status})`, items: statuses.map(s => ({label: s, value: s})), current: state.incident.status});
		case Command.PickRunbook:
			return openRunbookPicker(state);
		case Command.Role:
			return openRolePicker(ctx.store);
		case Command.PickContext:
			return controller.pickContext();
		case Command.PickNamespace:
			return controller.pickNamespace();
		case Command.Export:
			return controller.exportPostmortem();
		case Command.RunConfigCommand:
			return controller.requestConfigCommand();
		case Command.Cancel:
			if (state.activity.running) controller.cancelRunning();
			else if (state.ui.filter[kind.id]) state.filterChanged(kind.id, '');
			return;
		case Command.Details:
			return showWhole(kind, state, ctx);
		default:
			return;
	}
}

/** A key on the main screen, routed to the focused kind's keys, a pane number, or a command. */
export function handleScreenKey(input: string, key: Key, ctx: ScreenKeyContext): void {
	const state = ctx.store.getState();
	const kind = focusedKind(state);
	const kindKey = kindKeyFor(kind, input, key);
	if (kindKey) return runKindKey(kind, kindKey, state, ctx);
	const focus = kindToFocus(input, key);
	if (focus) return state.focusChanged(focus.id);
	const command = commandFor(input, key, [...listCommands, ...globalCommands]);
	if (!command) return sayWhereKeyWorks(kind, input, key, state);
	const lock = keymap[command].dangerous ? actionsLocked(state, ctx.store.cache) : null;
	if (lock) {
		state.flashed(lockedText(lock, keymap[command].help.toLowerCase()), 'warn');
		return;
	}
	if (moveSelection(command, kind, state, ctx)) return;
	runGlobalCommand(command, kind, state, ctx);
}
