import React from 'react';
import {Text, useInput} from 'ink';
import type {ActionRequest} from '../../actions/types.js';
import {Command, matches} from '../keymap.js';
import {useController, useTheme} from '../context.js';
import {editText, useLatestState} from '../components/text-input.js';
import {DialogFrame} from './dialog-frame.js';

/** "Roll back deployment/checkout?": the action and its object, once. */
export function confirmTitle(request: Pick<ActionRequest, 'title' | 'target'>): string {
	const {title} = request;
	const {object} = request.target;
	if (title.includes(object)) return `${title}?`;
	const kind = object.split('/')[0] ?? '';
	if (title.endsWith(` ${kind}`)) return `${title.slice(0, -kind.length)}${object}?`;
	return kind === 'command' ? `${title}?` : `${title}: ${object}?`;
}

/**
 * Names exactly what will change: context, namespace, object, before -> after, and the kubectl
 * equivalent. Scale edits the replica count here; production rollback/scale require typing the
 * deployment's name. Enter confirms, esc cancels (and the cancel is logged by the controller).
 */
export function ConfirmDialog(props: {request: ActionRequest; width: number; height: number; isActive: boolean}) {
	const theme = useTheme();
	const controller = useController();
	const [getRequest, setRequest, request] = useLatestState(props.request);
	const [getValue, setValue, value] = useLatestState(props.request.input?.value ?? '');
	const [getTyped, setTyped, typed] = useLatestState('');
	const [, setError, error] = useLatestState<string | null>(null);
	const editingInput = Boolean(props.request.input);
	const mustType = props.request.typeToConfirm;
	// Which text field keys go to: the replica count first (scale), then the name to type (production).
	const [getField, setField, field] = useLatestState<'input' | 'name' | null>(editingInput ? 'input' : mustType ? 'name' : null);

	useInput(
		(input, key) => {
			const request = getRequest();
			const value = getValue();
			const typed = getTyped();
			const field = getField();
			if (matches(Command.Cancel, input, key) || (!editingInput && !mustType && input === 'n')) {
				controller.cancel(request);
				return;
			}
			if (matches(Command.Confirm, input, key) || (!editingInput && !mustType && input === 'y')) {
				if (editingInput) {
					const problem = request.validateInput?.(value) ?? null;
					if (problem) {
						setError(problem);
						return;
					}
				}
				if (mustType && typed !== mustType) {
					setError(`type “${mustType}” exactly to confirm`);
					return;
				}
				const final = editingInput && request.withInput ? request.withInput(value) : request;
				controller.confirm(final, editingInput ? value : undefined);
				return;
			}
			if (key.tab && editingInput && mustType) {
				setField(field === 'input' ? 'name' : 'input');
				return;
			}
			if (field === 'input') {
				const next = editText(value, input, key);
				if (next === null) return;
				setValue(next);
				const problem = request.validateInput?.(next) ?? null;
				setError(problem);
				if (!problem && request.withInput) setRequest(request.withInput(next));
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

	const t = request.target;
	const lines: Array<[string, string]> = [
		['context', t.context || '(none)'],
		['namespace', t.namespace],
		['object', t.object],
		['change', request.change],
	];
	if (request.kubectl) lines.push([request.kind === 'command' ? 'runs' : 'kubectl', request.kubectl]);
	const tone = request.dangerous ? 'warn' : 'info';
	return (
		<DialogFrame
			title={confirmTitle(request)}
			width={props.width}
			height={Math.min(props.height, lines.length + request.details.length + request.warnings.length + (request.input ? 1 : 0) + (mustType ? 1 : 0) + (error ? 1 : 0) + 4)}
			tone={tone}
			footer={mustType && editingInput ? 'enter confirm · tab next field · esc cancel' : mustType || editingInput ? 'enter confirm · esc cancel' : 'y/enter confirm · n/esc cancel'}
		>
			{lines.map(([label, text]) => (
				<Text key={label} wrap="truncate-end">
					<Text dimColor>{label.padEnd(10)}</Text>
					<Text bold={label === 'change'}>{text}</Text>
				</Text>
			))}
			{request.details.map((line, i) => (
				<Text key={`d${i}`} wrap="truncate-end" dimColor>{`          ${line}`}</Text>
			))}
			{request.warnings.map((line, i) => (
				<Text key={`w${i}`} wrap="truncate-end" color={theme.colorOf('warn')}>{`${theme.symbolOf('warn')} ${line}`}</Text>
			))}
			{request.input ? (
				<Text>
					<Text dimColor>{`${request.input.label}: `.padEnd(10)}</Text>
					<Text inverse={field === 'input'}>{value || ' '}</Text>
				</Text>
			) : null}
			{mustType ? (
				<Text>
					<Text color={theme.colorOf('crit')}>{`Production: type “${mustType}” to confirm: `}</Text>
					<Text inverse={field === 'name'}>{typed || ' '}</Text>
				</Text>
			) : null}
			{error ? <Text color={theme.colorOf('crit')}>{`${theme.symbolOf('crit')} ${error}`}</Text> : null}
		</DialogFrame>
	);
}
