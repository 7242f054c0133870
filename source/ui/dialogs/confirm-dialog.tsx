import React, {type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {editAction, validateAction} from '../../actions/registry.js';
import {useTextInput} from '../components/paste.js';
import {actionName, type ActionRequest} from '../../actions/types.js';
import {Command, dialogFooter, matches} from '../keymap.js';
import {useController, useIncident, useTheme} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import {displayText, tailText} from '../../text/display.js';
import {DialogFrame, dialogTextWidth, frameLines, wrapHanging} from './dialog-frame.js';

/** "Roll back deployment/checkout?": the action and its object, once. */
export function confirmTitle(request: Pick<ActionRequest, 'title' | 'target'>): string {
	return `${actionName(request)}?`;
}

/** The confirmation's keys: y and n only where nothing is typed; tab where there are two fields. */
function confirmFooter(mustType: boolean, editingInput: boolean): string {
	if (mustType && editingInput) return dialogFooter([[[Command.Confirm], 'confirm'], [[Command.NextField], 'next field'], [[Command.Cancel], 'cancel']]);
	if (mustType || editingInput) return dialogFooter([[[Command.Confirm], 'confirm'], [[Command.Cancel], 'cancel']]);
	return dialogFooter([[[Command.Yes, Command.Confirm], 'confirm'], [[Command.No, Command.Cancel], 'cancel']]);
}

/**
 * The confirmation's keys and fields: enter (or y where nothing is typed) confirms what is shown,
 * esc (or n) cancels, ←/→ switch the target, and the fields take what is typed (a replica count, the
 * deployment's name in production).
 */
function useConfirmKeys(props: {request: ActionRequest; isActive: boolean}) {
	const controller = useController();
	const [getRequest, setRequest, request] = useLatestState(props.request);
	const [getValue, setValue, value] = useLatestState(props.request.input?.value ?? '');
	const [getTyped, setTyped, typed] = useLatestState('');
	const [, setError, error] = useLatestState<string | null>(null);
	const editingInput = Boolean(props.request.input);
	const mustType = props.request.typeToConfirm;
	// Which text field keys go to: the replica count first (scale), then the name to type (production).
	const [getField, setField, field] = useLatestState<'input' | 'name' | null>(editingInput ? 'input' : mustType ? 'name' : null);

	useTextInput(
		(input, key) => {
			const request = getRequest();
			const value = getValue();
			const typed = getTyped();
			const field = getField();
			if (matches(Command.Cancel, input, key) || (!editingInput && !mustType && matches(Command.No, input, key))) {
				controller.cancel(request);
				return;
			}
			if (matches(Command.Confirm, input, key) || (!editingInput && !mustType && matches(Command.Yes, input, key))) {
				const final = editingInput ? (editAction(request, {type: 'input', value}) ?? request) : request;
				if (editingInput) {
					const problem = validateAction(final);
					if (problem) {
						setError(problem);
						return;
					}
				}
				if (mustType && typed !== mustType) {
					setError(`type “${mustType}” exactly to confirm`);
					return;
				}
				controller.confirm(final, editingInput ? value : undefined);
				return;
			}
			// Another target of the same action (an older or newer revision to roll back to).
			const direction = matches(Command.OlderTarget, input, key) ? 'older' : matches(Command.NewerTarget, input, key) ? 'newer' : undefined;
			if (request.alternatives && direction) {
				const other = editAction(request, {type: 'target', direction});
				if (other) setRequest(other);
				return;
			}
			if (matches(Command.NextField, input, key) && editingInput && mustType) {
				setField(field === 'input' ? 'name' : 'input');
				return;
			}
			if (field === 'input') {
				const next = editText(value, input, key);
				if (next === null) return;
				setValue(next);
				const edited = editAction(request, {type: 'input', value: next}) ?? request;
				const problem = validateAction(edited);
				setError(problem);
				if (!problem) setRequest(edited);
				return;
			}
			if (field !== 'name') return;
			const next = editText(typed, input, key);
			if (next !== null) {
				setTyped(next);
				setError(null);
			}
		},
		{isActive: props.isActive},
	);
	return {request, value, typed, error, field, editingInput, mustType};
}

/** A substituted value as the confirmation marks it, in and beside the command: `‹checkout›`. */
const markValue = (value: string) => `\u2039${value}\u203A`;

/**
 * The runbook's command as written with each value marked (`filled`), then where each came from
 * (`from`: `‹checkout›  deployment: alert label deployment`), once per variable.
 */
function markedLines(parts: NonNullable<ActionRequest['marked']>): Array<[string, string]> {
	const filled = parts.map(part => ('text' in part ? part.text : markValue(part.value))).join('');
	const seen = new Set<string>();
	const from: Array<[string, string]> = [];
	for (const part of parts) {
		if ('text' in part || seen.has(part.variable)) continue;
		seen.add(part.variable);
		from.push([from.length === 0 ? 'from' : '', `${markValue(part.value)}  ${part.variable}: ${part.source}`]);
	}
	return [['filled', filled], ...from];
}

/**
 * Names exactly what will change: context, namespace, object, before -> after, and the kubectl
 * equivalent. Scale edits the replica count here; production rollback/scale require typing the
 * deployment's name. Enter confirms, esc cancels (and the cancel is logged by the controller).
 */
export function ConfirmDialog(props: {request: ActionRequest; width: number; height: number; isActive: boolean}) {
	const theme = useTheme();
	const {request, value, typed, error, field, editingInput, mustType} = useConfirmKeys(props);
	const t = request.target;
	// A dangerous action in a production context says so beside the context, in words (NO_COLOR too).
	const production = useIncident(s => s.env.production && !s.env.demo) && request.dangerous;
	const lines: Array<[string, string]> = [
		['context', `${t.context || '(none)'}${production ? '  (PRODUCTION)' : ''}`],
		['namespace', t.namespace],
		['object', t.object],
		['change', request.change],
	];
	if (request.kubectl) lines.push([request.kind === 'command' ? 'runs' : 'kubectl', request.kubectl]);
	if (request.marked) lines.push(...markedLines(request.marked));
	const tone = production ? 'crit' : request.dangerous ? 'warn' : 'info';
	// Nothing here is cut short: what will change, the warnings and every argument wrap, under
	// their label. The warnings come before the details, so a short terminal clips details first.
	const textWidth = Math.max(1, dialogTextWidth(props.width) - labelWidth);
	const warning = `${theme.symbolOf('warn')} warning`;
	const fixedLines = (request.input ? 1 : 0) + (mustType ? 1 : 0) + (error ? 1 : 0);
	// Wrapped here, once each, not by Ink (see wrapHanging): the lines drawn are the lines counted.
	const wrap = (text: string) => wrapHanging(text, textWidth);
	const labelled = lines.map(([label, text]) => [label, wrap(text)] as const);
	const warnings = request.warnings.map(wrap);
	const details = request.details.map(wrap);
	const contentLines = [...labelled.map(([, wrapped]) => wrapped), ...warnings, ...details].reduce((sum, wrapped) => sum + wrapped.length, 0);
	return (
		<DialogFrame
			title={confirmTitle(request)}
			width={props.width}
			height={Math.min(props.height, contentLines + fixedLines + frameLines)}
			tone={tone}
			footer={confirmFooter(Boolean(mustType), editingInput)}
			fixed={
				<>
					{request.input ? (
						<Text>
							<Text dimColor>{`${request.input.label}: `.padEnd(labelWidth)}</Text>
							<Text inverse={field === 'input'}>{tailText(value, 20) || ' '}</Text>
						</Text>
					) : null}
					{mustType ? (
						<Text>
							<Text color={theme.colorOf('crit')}>{displayText(`Production: type “${mustType}” to confirm: `)}</Text>
							<Text inverse={field === 'name'}>{tailText(typed, 40) || ' '}</Text>
						</Text>
					) : null}
					{error ? <Text color={theme.colorOf('crit')}>{`${theme.symbolOf('crit')} ${displayText(error)}`}</Text> : null}
				</>
			}
		>
			{labelled.map(([label, wrapped], index) => (
				<Labelled key={`${label}${index}`} label={<Text dimColor>{label}</Text>}>
					<Text bold={label === 'change'}>{wrapped.join('\n')}</Text>
				</Labelled>
			))}
			{warnings.map((wrapped, i) => (
				<Labelled key={`w${i}`} label={<Text color={theme.colorOf('warn')}>{warning}</Text>}>
					<Text color={theme.colorOf('warn')}>{wrapped.join('\n')}</Text>
				</Labelled>
			))}
			{details.map((wrapped, i) => (
				<Labelled key={`d${i}`}>
					<Text dimColor>{wrapped.join('\n') || ' '}</Text>
				</Labelled>
			))}
		</DialogFrame>
	);
}

const labelWidth = 10;

/** A line of the dialog: its label (or nothing) in a column of its own, the text wrapping beside it. */
function Labelled(props: {label?: ReactNode; children: ReactNode}) {
	return (
		<Box flexShrink={0}>
			<Box width={labelWidth} flexShrink={0}>
				{props.label ?? null}
			</Box>
			<Box flexGrow={1} flexShrink={1}>
				{props.children}
			</Box>
		</Box>
	);
}
