import React from 'react';
import {Command, dialogFooter} from '../keymap.js';
import {useController} from '../context.js';
import type {VariableField} from '../../store/types.js';
import {FieldsDialog} from './fields-dialog.js';

const variablesFooter = dialogFooter([
	[[Command.NextField], 'next field'],
	[[Command.Confirm], 'run with these'],
	[[Command.Cancel], 'cancel'],
]);

/**
 * The variables form `x` opens on a step whose command uses variables no source gives: enter hands
 * the values to the controller, which checks them (the form opens again with the problem when one
 * is refused).
 */
export function VariablesDialog(props: {title: string; stepId: string; commandIndex?: number; fields: VariableField[]; problem?: string; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	return (
		<FieldsDialog
			title={props.title}
			fields={props.fields}
			problem={props.problem}
			footer={variablesFooter}
			emptyHint="no value from the alert, the selected row or the session"
			onSubmit={values => controller.enterVariables(props.stepId, props.commandIndex, values)}
			width={props.width}
			height={props.height}
			isActive={props.isActive}
		/>
	);
}
