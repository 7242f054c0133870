import React from 'react';
import {Box, Text} from 'ink';
import {focusedKind} from '../kinds/panes.js';
import {footerHints} from './kind-keys.js';
import {displayText} from '../text/display.js';
import {useIncident, useNow, useStoreApi, useTheme} from './context.js';
import {actionsLocked, lockMark} from './locked.js';
import type {IncidentState} from '../store/types.js';

/** How long a message stays in the footer. */
export const flashMs = 6000;

/** The footer's message now, if one shows (the running command's line has the footer otherwise); `symbolRoom`: what goes before it. */
export function shownFlash(state: Pick<IncidentState, 'ui' | 'activity'>, now: number): {text: string; symbolRoom: string} | null {
	const {flash} = state.ui;
	if (!flash || state.activity.running || now - flash.at >= flashMs) return null;
	return {text: flash.text, symbolRoom: '! '};
}

/** Key hints for the focused pane (disabled ones marked in read-only mode), or a recent message. */
export function Footer(props: {width: number}) {
	const theme = useTheme();
	const kind = useIncident(focusedKind);
	const store = useStoreApi();
	const lock = useIncident(s => actionsLocked(s, store.cache));
	const flash = useIncident(s => s.ui.flash);
	const running = useIncident(s => s.activity.running);
	const now = useNow();
	if (running) {
		const last = running.output.at(-1) ?? '';
		return (
			<Box width={props.width} height={1}>
				<Text wrap="truncate-end" color={theme.colorOf('info')}>{displayText(`⟳ ${running.title} (${Math.floor((now - running.startedAt) / 1000)}s, esc cancels) ${last}`)}</Text>
			</Box>
		);
	}
	if (flash && now - flash.at < flashMs) {
		return (
			<Box width={props.width} height={1}>
				<Text wrap="truncate-end" color={theme.colorOf(flash.tone)}>{`${theme.symbolOf(flash.tone)} ${displayText(flash.text)}`}</Text>
			</Box>
		);
	}
	const hints = footerHints(kind, Boolean(lock));
	return (
		<Box width={props.width} height={1}>
			<Text wrap="truncate-end">
				{hints.map(hint => (
					<Text key={hint.label} dimColor={hint.disabled} strikethrough={hint.disabled && theme.color}>
						<Text bold inverse={!hint.disabled}>{hint.label}</Text>
						{` ${hint.help}${hint.disabled && lock ? lockMark[lock] : ''}  `}
					</Text>
				))}
			</Text>
		</Box>
	);
}
