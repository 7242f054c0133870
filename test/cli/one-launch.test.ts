/**
 * One launch, one incident: the cockpit launched again with the same config, while the incident it
 * opened is still open, offers to resume it (open incidents newest first) instead of opening another;
 * `--new` opens a new one. Run as the operator runs it, in a real terminal (util-linux `script`).
 */
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {scriptFound, startCli, type CliTerminal} from '../support/cli-terminal.js';
import {cliTestTimeoutMs} from './run-cli.js';

let state: string | undefined;
const open: CliTerminal[] = [];
afterEach(async () => {
	for (const cli of open.splice(0)) await cli.close();
	if (state) rmSync(state, {recursive: true, force: true});
	state = undefined;
});

const config = 'title: Checkout 5xx\n';
const journals = () => readdirSync(path.join(state!, 'incident-tui', 'incidents')).filter(name => name.endsWith('.jsonl')).sort();

/** Starts the cockpit with the test's config file, all launches sharing it and one state directory. */
function launch(args: string[] = []): CliTerminal {
	const file = path.join(state!, 'incident.yaml');
	writeFileSync(file, config);
	const cli = startCli(['--config', file, ...args], {env: {XDG_STATE_HOME: state}});
	open.push(cli);
	return cli;
}

/** Quits the cockpit at once (ctrl+c: the incident stays open). */
async function quit(cli: CliTerminal): Promise<void> {
	await cli.close();
	open.splice(open.indexOf(cli), 1);
}

describe.skipIf(!scriptFound)('one launch, one incident', () => {
	it('offers the open incident of the same config for resuming, and --new opens another', async () => {
		state = mkdtempSync(path.join(tmpdir(), 'incident-tui-launch-'));
		const first = launch();
		await first.shown(' 1 Health ', 'the cockpit');
		await quit(first);
		expect(journals()).toHaveLength(1);
		const id = journals()[0]!.replace(/\.jsonl$/, '');

		const second = launch();
		await second.shown('is still open. Resume it?', 'the offer to resume');
		await second.shown(`Resume ${id}`, 'the open incident listed');
		await second.shown('Open a new incident', 'the other choice');
		second.type('\r');
		await second.shown(id, 'the cockpit on the same incident');
		await second.shown(' 1 Health ', 'the cockpit');
		await quit(second);
		expect(journals()).toHaveLength(1);

		const third = launch(['--new']);
		await third.shown(' 1 Health ', 'the cockpit, without asking');
		expect(third.output()).not.toContain('Resume it?');
		await quit(third);
		expect(journals()).toHaveLength(2);

		// Two open now: both offered, the newest first.
		const fourth = launch();
		await fourth.shown('2 incidents launched with this config are still open', 'the offer of both');
		const screen = await fourth.screen();
		const newest = journals().find(name => !name.startsWith(id))!.replace(/\.jsonl$/, '');
		expect(screen.indexOf(`Resume ${newest}`)).toBeLessThan(screen.indexOf(`Resume ${id}`));
		fourth.type('\u001B');
		await expect.poll(() => journals()).toHaveLength(2);
	}, cliTestTimeoutMs * 4);
});
