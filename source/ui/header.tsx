import React from 'react';
import {Box, Text} from 'ink';
import {formatAge, type Tone} from '../text/format.js';
import type {IncidentInfo} from '../timeline/incident.js';
import type {EnvInfo} from '../store/types.js';
import {displayText} from '../text/display.js';
import {sourcesSummary} from '../store/feeds.js';
import {syncSummary} from '../sync/status.js';
import {useIncident, useNow, useTheme} from './context.js';
import {escalationBanner, escalationCountdown} from '../kinds/runbook/escalation.js';
import {HeaderPresence, HeaderRoles} from './header-people.js';

const severityTone: Record<string, Tone> = {SEV1: 'crit', SEV2: 'crit', SEV3: 'warn', SEV4: 'info'};
const statusTone: Record<string, Tone> = {investigating: 'crit', identified: 'warn', mitigated: 'info', resolved: 'ok'};

/**
 * The time since the incident opened, stopped where the incident ended and saying so: "in 42m" once
 * resolved (at the latest resolve; reopening runs it again), "closed after 1h05m", else running.
 */
function elapsedText(incident: IncidentInfo, now: number): string {
	const since = (iso: string) => formatAge(Date.parse(iso) - Date.parse(incident.openedAt));
	if (incident.status === 'resolved') {
		const at = incident.statusAt ?? incident.milestones.resolved;
		if (at) return `in ${since(at)}`;
	}
	if (incident.closedAt) return `closed after ${since(incident.closedAt)}`;
	return formatAge(now - Date.parse(incident.openedAt));
}

/**
 * Every configured source in a few words ("alerts: unreachable 45s · 3 ok"), before the title so a
 * narrow terminal cuts the title rather than this: "no alerts" must never hide "cannot see alerts".
 */
function SourcesSummary(props: {now: number}) {
	const theme = useTheme();
	const feeds = useIncident(s => s.feeds);
	const parts = sourcesSummary(feeds, props.now);
	if (parts.length === 0) return null;
	return (
		<>
			{parts.map((part, i) => (
				<Text key={part.text} color={theme.colorOf(part.tone)}>{`${i === 0 ? '[' : ' · '}${theme.symbols ? `${theme.symbolOf(part.tone)} ` : ''}${part.text}`}</Text>
			))}
			<Text>{'] '}</Text>
		</>
	);
}

/** The sync's state in a few words ("sync: offline, 12 events waiting"); nothing without sync. */
function SyncSummary() {
	const theme = useTheme();
	const sync = useIncident(s => s.sync);
	if (!sync) return null;
	const {text, tone} = syncSummary(sync);
	return <Text color={theme.colorOf(tone)}>{`[${theme.color ? '' : `${theme.symbolOf(tone)} `}${text}] `}</Text>;
}

/** "prod-eu/shop", "prod-eu/all namespaces": the context and namespace the cockpit acts in. */
export function scopeOf(env: Pick<EnvInfo, 'context' | 'namespace' | 'allNamespaces'>): string {
	return `${env.context ? `${env.context}/` : ''}${env.allNamespaces ? 'all namespaces' : env.namespace}`;
}

/** One line: badges, severity, status, elapsed time, the sources' summary, roles, title, who else is in the incident, context/namespace. */
export function Header(props: {width: number}) {
	const theme = useTheme();
	const incident = useIncident(s => s.incident);
	const env = useIncident(s => s.env);
	const now = useNow();
	const clock = elapsedText(incident, now);
	const escalation = useIncident(s => escalationCountdown(s.runbook, s.incident, now));
	const production = env.production && !env.demo;
	return (
		<Box width={props.width} height={1}>
			<Text wrap="truncate-end">
				{env.demo ? <Text inverse bold color={theme.colorOf('info')}>{' DEMO '}</Text> : null}
				{env.readonly ? <Text inverse bold color={theme.colorOf('warn')}>{' READ-ONLY '}</Text> : null}
				{production ? <Text inverse bold color={theme.colorOf('crit')}>{' PROD '}</Text> : null}
				<Text> </Text>
				<Text bold color={theme.colorOf(severityTone[incident.severity] ?? 'info')}>{incident.severity}</Text>
				<Text> </Text>
				<Text color={theme.colorOf(statusTone[incident.status] ?? 'info')}>{incident.status}</Text>
				<Text>{` ${clock} `}</Text>
				{/* Before the sources and the title: a narrow terminal cuts those rather than this. */}
				{escalation ? <Text color={theme.colorOf('warn')}>{`${theme.symbols ? `${theme.symbolOf('warn')} ` : ''}${displayText(escalation)} `}</Text> : null}
				<SourcesSummary now={now} />
				<SyncSummary />
				<HeaderRoles />
				<Text bold>{displayText(incident.title)}</Text>
				<HeaderPresence />
				<Text dimColor>{displayText(`  ${incident.id}  `)}</Text>
				{/* Where actions act: a production context in the PROD badge's colour, bold (the badge's text says it without colour). */}
				<Text dimColor={!production} bold={production} color={production ? theme.colorOf('crit') : undefined}>
					{displayText(scopeOf(env))}
				</Text>
			</Text>
		</Box>
	);
}

/**
 * The line under the header once an escalation's time has passed and the incident is still not
 * mitigated: a line of its own, which the timeline's signals cannot push off screen.
 */
export function EscalationBanner(props: {width: number; text: string}) {
	const theme = useTheme();
	return (
		<Box width={props.width} height={1}>
			<Text wrap="truncate-end" inverse bold color={theme.colorOf('crit')}>
				{` ${theme.symbolOf('crit')} ${displayText(props.text)} `}
			</Text>
		</Box>
	);
}

/** The banner's text now, or null (see EscalationBanner). */
export function useEscalationBanner(): string | null {
	const now = useNow();
	return useIncident(s => escalationBanner(s.runbook, s.incident, now));
}
