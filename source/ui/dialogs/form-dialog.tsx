import React from 'react';
import {Command, dialogFooter} from '../keymap.js';
import {useController} from '../context.js';
import type {FormDialog as Form} from '../../store/types.js';
import {FieldsDialog} from './fields-dialog.js';

const formFooter = dialogFooter([
	[[Command.NextField], 'next field'],
	[[Command.Confirm], 'continue'],
	[[Command.Cancel], 'cancel'],
]);

/**
 * A form a kind's key opens (a silence's matchers, duration and comment): enter hands the values to
 * the controller, which makes its action from them (its confirmation next) or opens the form again
 * saying which value was refused.
 */
export function FormDialog(props: {form: Form; width: number; height: number; isActive: boolean}) {
	const controller = useController();
	const {form} = props;
	return (
		<FieldsDialog
			title={form.title}
			fields={form.fields}
			problem={form.problem}
			footer={formFooter}
			onSubmit={values => controller.requestAction(form.action, {values}, form)}
			width={props.width}
			height={props.height}
			isActive={props.isActive}
		/>
	);
}
