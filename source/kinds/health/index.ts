/** Health: HTTP health checks, one sub-row per dependency of a JSON deep-health endpoint. */
import {deploymentKeys} from '../deployment-keys.js';
import {healthStatus} from './status.js';
import type {Kind} from '../types.js';
import {healthData} from './data.js';
import {healthDetails, noDeployment} from './kind.js';
import {healthRows, healthSummary} from './rows.js';
import {startHealthSource} from './source.js';

export const healthKind: Kind = {
	id: 'health',
	title: 'Health',
	layout: {weight: 2, column: 'left'},
	feed: 'health',
	start: startHealthSource,
	rows: healthRows,
	summary: state => healthSummary(healthData.of(state)),
	empty: state => (state.feeds.health ? 'no answer yet' : 'no health checks configured (services[].health)'),
	details: healthDetails,
	keys: deploymentKeys(noDeployment, 'a Health row whose service names its deployment'),
	status: [healthStatus],
};
