import type {Tone} from '../text/format.js';
import type {ActionTarget, AnyTimelineEvent, EventData, Severity, SwitchedScope} from './events.js';

/**
 * One line per timeline event, with a tone: used by the Timeline pane and by the post-mortem export,
 * so the screen and the document tell the story in the same words.
 */
export interface EventDescription {
	text: string;
	tone: Tone;
}

/** "1.2 s", "340 ms", "3 min 5 s", "2 h 4 min". */
export function formatDuration(ms: number): string {
	if (!Number.isFinite(ms) || ms < 0) return '-';
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
	const totalSeconds = Math.round(ms / 1000);
	const hours = Math.floor(totalSeconds / 3600);
	const minutes = Math.floor((totalSeconds % 3600) / 60);
	const seconds = totalSeconds % 60;
	if (hours > 0) return `${hours} h${minutes ? ` ${minutes} min` : ''}`;
	return `${minutes} min${seconds ? ` ${seconds} s` : ''}`;
}

/** An event's time of day, UTC, as the Timeline pane shows it: "03:04:05" (events' times are ISO strings in UTC). */
export function hhmmss(iso: string): string {
	return iso.slice(11, 19);
}

/** Collapses whitespace so an event is one line. */
export function oneLine(text: string, max = 300): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function subject(kind: string, target: ActionTarget | undefined): string {
	const object = target?.object ?? '?';
	return object.startsWith(`${kind}/`) || kind === 'command' ? object : `${kind} ${object}`;
}

/** "context prod-eu, namespace shop", "context prod-eu, all namespaces": a scope the cockpit watched. */
export function scopeText(scope: SwitchedScope): string {
	return `context ${scope.context}, ${scope.allNamespaces ? 'all namespaces' : `namespace ${scope.namespace}`}`;
}

/** "no rollback was done": what a step's action kind (rollback, scale, restart) not being taken is called. */
function actionNotDone(kind: string): string {
	return kind === 'scale' ? 'no scaling was done' : `no ${kind} was done`;
}

/**
 * Why a step is ticked, in the words the Timeline pane, the Runbook pane and the post-mortem share;
 * undefined when a person ticked it. A tick by a condition never reads as its action having been
 * done: "condition: 5xx ratio < 1% for 2m held; no rollback was done from the cockpit".
 */
export function stepCheckHow(data: EventData['step.checked']): string | undefined {
	const cause = data.cause;
	if (cause?.type === 'action') return `by the ${cause.action}`;
	if (cause?.type === 'condition') {
		const held = `condition: ${cause.condition} held`;
		const action = cause.stepAction;
		if (!action) return held;
		if (action.actionId) return `${held}, after the ${action.kind} of ${action.object}`;
		return `${held}; ${actionNotDone(action.kind)} from the cockpit`;
	}
	if (data.doneBy) return `by the ${data.doneBy}`;
	// Journals from before causes were recorded: the cockpit ticked steps by their action (doneBy, above)
	// or by their done-when condition, nothing else.
	return data.auto ? 'by its done-when condition' : undefined;
}

function severityRank(severity: Severity): number {
	return Number(severity.slice(3));
}

/** `max`: the longest line (the details view passes Infinity: it wraps). */
export function describeEvent(event: AnyTimelineEvent, max = 300): EventDescription {
	switch (event.type) {
		case 'incident.opened': {
			return {text: oneLine(`Incident opened: ${event.data.title} (${event.data.severity})${event.data.demo ? ' [demo]' : ''}`, max), tone: 'info'};
		}
		case 'incident.closed': {
			return {text: oneLine(`Incident closed${event.data.summary ? `: ${event.data.summary}` : ''}`, max), tone: 'ok'};
		}
		case 'severity.changed': {
			const raised = severityRank(event.data.to) < severityRank(event.data.from);
			return {text: `Severity ${raised ? 'raised' : 'lowered'}: ${event.data.from} -> ${event.data.to}`, tone: raised ? 'warn' : 'ok'};
		}
		case 'status.changed': {
			const tone = event.data.to === 'resolved' || event.data.to === 'mitigated' ? 'ok' : event.data.to === 'identified' ? 'info' : 'warn';
			return {text: `Status: ${event.data.from} -> ${event.data.to}`, tone};
		}
		case 'note.added': {
			return {text: oneLine(`Note: ${event.data.text}`, max), tone: 'info'};
		}
		case 'event.pinned': {
			return {text: `${event.data.pinned ? 'Pinned' : 'Unpinned'} event ${event.data.eventId}`, tone: 'muted'};
		}
		case 'runbook.selected': {
			return {text: oneLine(`Runbook: ${event.data.title}${event.data.reason ? ` (${event.data.reason})` : ''}`, max), tone: 'info'};
		}
		case 'step.checked': {
			const how = stepCheckHow(event.data);
			return {text: oneLine(`Step done: ${event.data.title}${how ? ` (${how})` : ''}`, max), tone: 'ok'};
		}
		case 'variables.entered': {
			const values = Object.entries(event.data.values).map(([name, value]) => `${name}=${value}`);
			return {text: oneLine(`Variables entered: ${values.join(', ')}`, max), tone: 'info'};
		}
		case 'variables.captured': {
			const values = Object.entries(event.data.values).map(([name, value]) => `${name}=${value}`);
			return {text: oneLine(`Variables set by a step's command: ${values.join(', ')}`, max), tone: 'info'};
		}
		case 'step.unchecked': {
			return {text: oneLine(`Step unchecked: ${event.data.title}`, max), tone: 'muted'};
		}
		case 'action.requested': {
			return {text: oneLine(`Requested ${subject(event.data.kind, event.data.target)}: ${event.data.change}`, max), tone: 'muted'};
		}
		case 'action.confirmed': {
			return {text: oneLine(`Confirmed ${subject(event.data.kind, event.data.target)}: ${event.data.change}`, max), tone: 'info'};
		}
		case 'action.cancelled': {
			return {text: oneLine(`Cancelled ${subject(event.data.kind, event.data.target)}: ${event.data.change}`, max), tone: 'muted'};
		}
		case 'action.succeeded': {
			const exit = event.data.exitCode === undefined ? '' : `, exit ${event.data.exitCode}`;
			return {text: oneLine(`Done ${subject(event.data.kind, event.data.target)}: ${event.data.change} (${formatDuration(event.data.durationMs)}${exit})`, max), tone: 'ok'};
		}
		case 'action.failed': {
			const exit = event.data.exitCode === undefined || event.data.error === `exit ${event.data.exitCode}` ? '' : `, exit ${event.data.exitCode}`;
			return {text: oneLine(`Failed ${subject(event.data.kind, event.data.target)}: ${event.data.error} (${formatDuration(event.data.durationMs)}${exit})`, max), tone: 'crit'};
		}
		case 'command.output': {
			return {text: oneLine(`${event.data.stream}: ${event.data.text}${event.data.truncated ? ' [truncated]' : ''}`, max), tone: 'muted'};
		}
		case 'signal': {
			return {text: oneLine(event.data.message, max), tone: event.data.level};
		}
		case 'presence.joined': {
			return {text: `${event.by} joined`, tone: 'muted'};
		}
		case 'presence.seen': {
			return {text: `${event.by} still here`, tone: 'muted'};
		}
		case 'presence.left': {
			return {text: oneLine(`${event.by} left${event.data.reason ? ` (${event.data.reason})` : ''}`, max), tone: 'muted'};
		}
		case 'cluster.switched': {
			return {text: oneLine(`Switched to ${scopeText(event.data.to)} (from ${scopeText(event.data.from)})`, max), tone: 'info'};
		}
		case 'role.assigned': {
			const {user, role, handover} = event.data;
			const who = user === event.by ? `${user} is now ${role}` : `${user} is now ${role} (set by ${event.by})`;
			return {text: oneLine(handover ? `${who}, taking over from ${handover.from}` : who, max), tone: role === 'commander' ? 'info' : 'muted'};
		}
		default: {
			// A type from a newer version: show it rather than hide it.
			const unknown = event as {type: string; data: unknown};
			return {text: oneLine(`${unknown.type} ${JSON.stringify(unknown.data)}`, max), tone: 'muted'};
		}
	}
}
