/** The Alerts pane's keys: m silences the selected alert (a form, then a confirmation), M expires its silence. */
import {alertMatchers, matchersText} from '../../actions/silence.js';
import {actionBinding} from '../action-key.js';
import type {KeyContext, KindKey, Row} from '../types.js';
import {alertKey, alertsData, alertState, silencesData, type Alert} from './data.js';

function selectedAlert(row: Row | undefined, ctx: KeyContext): Alert | undefined {
	return row ? alertsData.of(ctx.state).find(alert => alertKey(alert) === row.ref.key) : undefined;
}

/** Why m does nothing: no alert selected, or one only Prometheus knows (silences are Alertmanager's). */
function cannotSilence(row: Row | undefined, ctx: KeyContext): string | null {
	const alert = selectedAlert(row, ctx);
	if (!alert) return 'select an alert first';
	if (alert.from === 'prometheus') return `${alert.name} is known from Prometheus only: silences are made in Alertmanager (alertmanager.url in the config)`;
	return null;
}

export const silenceKey: KindKey = {
	id: 'silence',
	// Its binding names the action (dangerous as the registry says); its run opens the form first, whose values make it.
	binding: actionBinding('silence', {keys: ['m'], label: 'm', help: 'Silence the selected alert in Alertmanager', short: 'silence'}),
	disabled: cannotSilence,
	run(row, controller, ctx) {
		const alert = selectedAlert(row, ctx)!;
		controller.openForm({
			kind: 'form',
			action: 'silence',
			title: `Silence ${alert.name} in Alertmanager`,
			fields: [
				{name: 'matchers', value: matchersText(alertMatchers(alert.labels)), hint: 'name="value", comma-separated; = != =~ !~ (every label of this alert to begin with)', secret: false},
				{name: 'duration', value: '1h', hint: '30m, 1h, 1h30m, 2d', secret: false},
				{name: 'comment', value: '', hint: 'why: kept with the silence for whoever is paged next', secret: false},
			],
		});
	},
};

/** Why M does nothing: no alert selected, or one no silence mutes. */
function notSilenced(row: Row | undefined, ctx: KeyContext): string | null {
	const alert = selectedAlert(row, ctx);
	if (!alert) return 'select a silenced alert first';
	return alert.silencedBy?.length ? null : `${alert.name} is ${alertState(alert)}, not silenced`;
}

export const expireKey: KindKey = {
	id: 'expire',
	// Its run gives the silence's id as a value: the row's reference names the alert, not its silence.
	binding: actionBinding('expire-silence', {keys: ['M'], label: 'M', help: 'Expire the selected alert’s silence', short: 'unsilence'}),
	disabled: notSilenced,
	run(row, controller, ctx) {
		const id = selectedAlert(row, ctx)!.silencedBy![0]!;
		const silence = silencesData.of(ctx.state).find(s => s.id === id);
		controller.requestAction('expire-silence', {values: {id, ...(silence ? {matchers: matchersText(silence.matchers)} : {})}});
	},
};
