/**
 * Details dialogs follow the store: a query's value and a step's watched value and done-when count
 * move while the dialog is open, as the panes beside them do.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {MetricRow} from '../../source/kinds/metrics/data.js';
import {keys, renderCockpit} from '../support/render-cockpit.js';
import {waitFor} from '../support/wait.js';
import {metricRows} from '../support/fixtures.js';
import {SessionHarness} from './support.js';
import {metricsData} from '../../source/kinds/metrics/data.js';

const harness = new SessionHarness();
afterEach(() => harness.cleanup());

/** The fixtures' 5xx ratio row at `value`, graded as the source grades it. */
function ratioAt(value: number): MetricRow[] {
	const [ratio, p95] = metricRows();
	const tone = value >= 0.05 ? 'crit' : value >= 0.01 ? 'warn' : 'ok';
	return [{...ratio!, tone, series: [{labels: '', value, history: [value], tone}]}, p95!];
}

describe('details dialogs follow the store', () => {
	it('a query’s details show its value now, not the one it had when the dialog opened', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), runbookRef: 'bad-deploy'});
		const {store} = session;
		store.getState().dataReceived(metricsData, ratioAt(0));
		const ui = await renderCockpit({store, width: 120, height: 40});
		harness.onCleanup(() => ui.unmount());
		session.controller.showDetails({kind: 'metrics', key: 'error_ratio'});
		await ui.waitForFrame(f => f.includes('Query: 5xx ratio') && /\n[^\n]*│\s+0%\s+\{\}/.test(f), 'the query details at 0%');
		// Sixteen minutes later the ratio is 8.8%: the open dialog says so.
		store.getState().dataReceived(metricsData, ratioAt(0.088));
		await ui.waitForFrame(f => /│\s+8\.8%\s+\{\}/.test(f), 'the query details at 8.8%');
		expect(ui.frame()).not.toMatch(/│\s+0%\s+\{\}/);
		await ui.press(keys.escape);
	});

	it('a step’s details show its watched query’s value now, beside the pane’s', async () => {
		const session = await harness.open({stateDir: harness.tempDir(), runbookRef: 'bad-deploy'});
		const {store} = session;
		const runbook = store.getState().runbook!;
		const step = runbook.steps.find(s => s.queries.includes('error_ratio'));
		expect(step, 'a bad-deploy step watching error_ratio').toBeDefined();
		store.getState().dataReceived(metricsData, ratioAt(0.124));
		const ui = await renderCockpit({store, width: 120, height: 40});
		harness.onCleanup(() => ui.unmount());
		session.controller.showDetails({kind: 'runbook', key: step!.id});
		await ui.waitForFrame(f => f.includes(`Step: ${step!.title}`.slice(0, 40)) && f.includes('now 12.4%'), 'the step details at 12.4%');
		store.getState().dataReceived(metricsData, ratioAt(0.003));
		await ui.waitForFrame(f => f.includes('now 0.3%'), 'the step details at 0.3%');
		expect(ui.frame()).not.toContain('now 12.4%');
		await waitFor(() => store.getState().ui.dialog?.kind === 'details', {message: 'the dialog still open'});
	});
});
