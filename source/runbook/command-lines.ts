/**
 * What the lines of a code block are: commands to run, sample output, or requests for an HTTP
 * console (Kibana's `GET _cat/shards`). Runbooks label their blocks loosely: `console` blocks
 * without prompts hold commands as often as output, unlabelled blocks hold either, `bash` blocks
 * sometimes carry `$ ` prompts and output. A line reads as a command when its first word is one
 * (a known CLI, a path to a script, an assignment, a shell keyword, a word followed by options or a
 * pipeline) and as output when it has the marks of output (a timestamp or number first, a log
 * level, `key: value`, columns, JSON, a table border); a line with neither follows the block.
 *
 * Hand-written: these are facts about runbooks and tools, not about a grammar any library parses.
 */

import {CommandTracker, type ScanSpan} from './shell-scan.js';

/** Programs and shell words that start a command line. */
const KNOWN_COMMANDS = new Set(
	`kubectl oc helm kustomize kubectx kubens k9s stern kubetail krew minikube kind kubeadm kops eksctl rosa ocm crc odo tkn kn virtctl velero flux argocd istioctl linkerd cilium hubble calicoctl crictl ctr nerdctl docker podman buildah skopeo crane
	ceph rados rbd radosgw-admin cephadm rook
	gcloud gsutil bq aws sam cdk az doctl linode-cli hcloud openstack nova heroku fly flyctl vercel netlify supabase terraform terragrunt tf pulumi packer vagrant ansible ansible-playbook salt knife chef-client puppet
	psql pg_dump pg_dumpall pg_restore pg_isready pg_ctl pg_ctlcluster pg_basebackup pg_controldata pg_waldump pg_rewind pg_lsclusters pgbackrest patronictl repmgr barman wal-g mysql mysqladmin mysqldump mongo mongosh mongodump mongorestore redis-cli redis-server redis-benchmark memcached-tool cqlsh nodetool clickhouse-client influx sqlite3 etcdctl etcdutl consul vault nomad zkcli.sh
	rabbitmqctl rabbitmq-diagnostics rabbitmq-plugins rabbitmq-queues nats pulsar-admin kcat kafkacat
	promtool amtool logcli thanos mimirtool cortextool tctl temporal
	curl wget http https httpie grpcurl websocat ab hey wrk k6 vegeta
	ssh scp sftp rsync mosh sshpass ssh-keygen ssh-add
	systemctl journalctl service sv supervisorctl initctl launchctl loginctl hostnamectl timedatectl chronyc ntpq
	ps top htop atop free df du lsblk lsof fuser mount umount findmnt blkid fdisk parted mkfs xfs_growfs resize2fs growpart lvextend pvs vgs lvs iostat vmstat mpstat sar pidstat dstat iotop nproc uptime uname hostname whoami id w dmesg sysctl ulimit strace ltrace perf gdb pstack jstack jmap jcmd jstat nvidia-smi
	kill pkill pgrep killall nice renice timeout nohup watch time sleep xargs parallel flock
	ip ifconfig route arp ethtool ss netstat iptables ip6tables nft ipvsadm conntrack tcpdump tshark nmap nc ncat netcat socat telnet ping ping6 traceroute tracepath mtr dig host nslookup whois resolvectl
	openssl keytool certbot step cfssl
	cat tac head tail less more grep egrep fgrep zgrep zcat rg ag sed awk gawk cut tr sort uniq wc tee column jq yq xq find locate ls ll tree stat file touch mkdir rmdir rm cp mv ln chmod chown chgrp tar gzip gunzip zip unzip base64 md5sum sha256sum sha1sum diff cmp xxd od hexdump split date cal seq yes true false test env printenv which whereis type realpath readlink basename dirname mktemp
	cd pushd popd echo printf read export unset set source alias eval exec exit return shift trap wait bg fg jobs disown umask
	if for while until case function
	sudo su runuser doas chroot nsenter unshare toolbox
	git gh glab hub make cmake npm npx yarn pnpm node deno bun python python2 python3 pip pip3 pipx poetry uv ruby gem bundle rails rake irb java javac mvn gradle dotnet go cargo rustc php composer perl lua Rscript
	gitlab-ctl gitlab-rake gitlab-rails gitlab-backup gitlab-psql gitlab-redis-cli gitlab-patronictl gitaly praefect
	elasticsearch-plugin elasticsearch-keystore opensearch-plugin
	vi vim nano emacs crontab at batch logrotate apt apt-get yum dnf rpm dpkg apk zypper brew snap flatpak pacman
	pagerduty pd opsgenie`.split(/\s+/),
);

/** Prefixes and suffixes of program names that are commands wherever they appear. */
const COMMAND_PREFIX = /^(?:kubectl-|kafka-|pg_|gitlab-|ceph-|rabbitmq|mysql|redis-|mongo|etcd|docker-|git-|systemd-|openstack-|zookeeper-|aws-|gcloud-|az-|oc-|kube-)/;
const COMMAND_SUFFIX = /(?:ctl|-cli|adm|-admin|\.sh|\.py|\.rb|\.pl|\.bash)$/;

/** Words that may stand before the program: `sudo kubectl …`, `time curl …`. */
const WRAPPERS = new Set(['sudo', 'time', 'nohup', 'env', 'exec', 'command', 'builtin', 'nice', 'doas', 'stdbuf', 'unbuffer']);

/** Filters that make `anything | grep x` a pipeline, i.e. a command. */
const FILTERS = /\|\s*(?:sudo\s+)?(?:grep|egrep|jq|yq|awk|sed|sort|uniq|head|tail|wc|xargs|tee|cut|tr|column|less|more|base64|sh|bash)\b/;

const STATUS_WORDS = /\s(?:created|configured|deleted|restarted|scaled|patched|labeled|annotated|unchanged|cordoned|uncordoned|drained|evicted|edited|exposed|rolled back|successfully rolled out|serverside-applied)\s*$/;
const POD_STATES = /\s(?:Running|Pending|CrashLoopBackOff|Completed|Terminating|OOMKilled|Evicted|ContainerCreating|ImagePullBackOff|ErrImagePull|Init:\S+|Ready|NotReady|Bound|Available)\b/;

const SQL_START = /^(?:select\s+(?:\*|[\w."(]+\s*(?:,|from\b|\())|insert\s+into|update\s+[\w."]+\s+set|delete\s+from|with\s+\w+\s+as\s*\(|(?:create|alter|drop)\s+(?:table|index|database|role|user|extension|schema|view)|explain\s|vacuum\b|analy[sz]e\s|show\s+\w+\s*;|grant\s|revoke\s|begin\s*;|commit\s*;)/i;

export type LineKind = 'command' | 'output' | 'ambiguous' | 'comment' | 'blank';

/** The program word of a command line: after `sudo`, `time`, and `NAME=value` prefixes. */
export function programWord(line: string): string {
	const words = line.trim().split(/\s+/);
	let i = 0;
	let wrapped = false;
	while (i < words.length) {
		const word = words[i]!;
		if (WRAPPERS.has(word)) wrapped = true;
		else if (wrapped && /^-[ugCDph]$/.test(word)) i++; // `sudo -u postgres psql`: the option's value
		else if (!(wrapped && word.startsWith('-')) && !/^[A-Za-z_]\w*=/.test(word)) break;
		i++;
	}
	return words[i] ?? '';
}

/**
 * A Prometheus metric's name (`etcd_mvcc_db_total_size_in_bytes`): snake case, two underscores or
 * more, ending in a unit or a type as Prometheus names them. It starts like a program (`etcd…`) but
 * is never one; `pg_test_fsync` is a program and stays one.
 */
const METRIC_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:total|bytes|seconds|count|sum|bucket|ratio|info|created|percent|celsius|volts|joules|grams|meters|amperes|milliseconds|errors|requests)$/;

/** A program the importer knows: a listed CLI, a known prefix or suffix (`kafka-topics`, `patronictl`), a script path. */
export function isKnownProgram(word: string): boolean {
	if (!word) return false;
	if (METRIC_NAME.test(word) && (word.match(/_/g)?.length ?? 0) >= 2) return false;
	if (KNOWN_COMMANDS.has(word)) return true;
	if (/^(?:\.{1,2}\/|~\/)[\w./@+-]+$/.test(word)) return true;
	if (/^\/(?:[\w.@+-]+\/)*[\w.@+-]+$/.test(word) && (/(?:^|\/)(?:s?bin|scripts?|opt|usr)\//.test(word) || /\.(?:sh|py|rb|pl|bash)$/.test(word))) return true;
	if (/^[a-z][\w.+-]*$/.test(word) && (COMMAND_PREFIX.test(word) || COMMAND_SUFFIX.test(word))) return true;
	return false;
}

/** A line of a shell fence or inline code that starts a command: the old test for unlabelled fences and inline code. */
export function looksLikeShell(line: string): boolean {
	return isKnownProgram(programWord(line));
}

/** `$ cmd`, `user@host:~$ cmd`, `[root@host dir]# cmd`, `bash-4.4$ cmd`, `❯ cmd`: the command after a prompt. */
const PROMPT = /^\s*(?:\$|\u276F|(?:\([\w.-]+\)\s*)?[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[$#]|\[[^\]\n]{1,80}\][$#]|(?:ba|z|k)?sh-\d+(?:\.\d+)*[$#])(?:\s+(.*))?$/;

/** The command after a shell prompt on this line, or null when it has none. */
export function promptCommand(line: string): string | null {
	const match = PROMPT.exec(line);
	if (!match) return null;
	return match[1] ?? '';
}

/** `# kubectl get pods` in a console block: a root prompt when a known program follows. */
export function rootPromptCommand(line: string): string | null {
	const match = /^\s*#\s+(\S.*)$/.exec(line);
	if (!match) return null;
	const word = programWord(match[1]!);
	return KNOWN_COMMANDS.has(word) || (isKnownProgram(word) && !word.includes('/')) ? match[1]! : null;
}

const HTTP_REQUEST = /^\s*(GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?(?:\s+#[^\n]*)?\s*$/;

/** `GET _cat/shards?v` on a line of its own: a request for an HTTP console, never a shell command. */
export function httpRequestLine(line: string): {method: string; path: string} | null {
	const match = HTTP_REQUEST.exec(line);
	if (!match) return null;
	const path = match[2]!;
	// `GET http://…` is a request too; a word like `GET` followed by prose is not.
	if (!/^(?:\/|_|[a-z][\w.-]*\/|[a-z][\w-]*\?|https?:\/\/|[a-z][\w.-]*$|[a-z*][\w.,*-]*\/_)/.test(path)) return null;
	return {method: match[1]!, path};
}

/** How a single line reads, out of context (see the module comment). */
export function lineKind(line: string): LineKind {
	const text = line.trim();
	if (!text) return 'blank';
	if (text.startsWith('#') && !text.startsWith('#!')) return 'comment';
	if (httpRequestLine(text)) return 'output';
	// SQL typed into psql or a console (`select * from pg_stat_activity;`) is not a shell command.
	if (SQL_START.test(text) && !/^\S+\s+-/.test(text)) return 'output';
	const first = text.split(/\s+/)[0]!;
	// Shell forms that start with punctuation: [[ … ]], [ … ], ( subshell ), { group; }.
	if (/^\[\[?\s/.test(text)) return 'command';
	const grouped = /^[({]\s*(\S+)/.exec(text);
	if (grouped && isKnownProgram(grouped[1]!)) return 'command';
	if (!/^[A-Za-z_.~/$]/.test(text)) return 'output';
	// Assignments: `NAME=value`, `X=$(…)`, `PGPASSWORD=x psql …`; logfmt (`level=info msg=…`) is output.
	if (/^[A-Za-z_]\w*=(?:"?\$\(|`)/.test(first)) return 'command';
	if (/^[A-Za-z_]\w*=/.test(first)) {
		const words = text.split(/\s+/);
		const program = programWord(text);
		if (program && !/^[A-Za-z_]\w*=/.test(program)) {
			if (isKnownProgram(program)) return 'command';
			// `PGHOST=db ledgerctl …` runs a program; `level=warn msg="…" lag=3` is logfmt output.
			const prefix = words.slice(0, words.indexOf(program)).filter(word => /^[A-Za-z_]\w*=/.test(word));
			return /^[a-z][\w.+-]*$/.test(program) && prefix.some(word => /^[A-Z_][A-Z0-9_]*=/.test(word)) ? 'command' : 'output';
		}
		const assignments = words.filter(word => /^[A-Za-z_]\w*=/.test(word));
		const name = /^([A-Za-z_]\w*)=/.exec(first)![1]!;
		if (assignments.length === 1 && words.length === 1) return /^[A-Z_][A-Z0-9_]*$/.test(name) || /=\$\(|=`|="\$\(|=</.test(first) ? 'command' : 'ambiguous';
		if (/[A-Z]/.test(name) && !/[a-z]/.test(name) && /=\$\(|=`|="\$\(/.test(text)) return 'command';
		return 'output';
	}
	const program = programWord(text);
	if (isKnownProgram(program)) {
		// A table row whose first cell happens to be a program name is still a table row.
		return /\S\s{2,}\S+\s{2,}\S/.test(text) && !/\s-{1,2}[A-Za-z]/.test(text) ? 'output' : 'command';
	}
	if (/^\$[A-Za-z_{(]/.test(first)) return 'command';
	if (/[:,;]$/.test(first) || /^[\w.-]+:\S/.test(first) || /^[A-Za-z]+:\/\//.test(first)) return 'output';
	if (/[A-Z]/.test(first)) return 'output';
	if (/^[0-9a-f]{7,40}$/.test(first) && /\d/.test(first)) return 'output';
	if (/^[a-z0-9.-]+\/[\w.-]+$/.test(first) && (STATUS_WORDS.test(text) || POD_STATES.test(text))) return 'output';
	if (POD_STATES.test(text) || /\S\s{2,}\S+\s{2,}\S/.test(text) || /\s\d+\/\d+\s/.test(text)) return 'output';
	if (/^[a-z][\w.+-]*$/.test(first) && (/\s--?[A-Za-z][\w-]*/.test(text) || /\$\(|\$\{|\$[A-Z_]|`/.test(text) || FILTERS.test(text) || /\s(?:&&|\|\|)\s/.test(text) || /\s\d?>>?\s*\S|2>&1/.test(text) || /<[A-Za-z][\w.-]*>/.test(text))) return 'command';
	return 'ambiguous';
}

export interface ShellChunk {
	script: string;
	title?: string;
	/** 0-based offset of the chunk's first line within the code block. */
	offset: number;
}

interface SplitOptions {
	/** Whether a line outside a command starts one (the command it holds), or null; every line does in a shell fence. */
	starts: (line: string) => string | null;
	/** `# comment` lines directly above a command name it. */
	comments: boolean;
	/** A transcript: continuation lines may carry bash's second prompt, `> `. */
	ps2?: boolean;
}

/**
 * One chunk per command: a starting line and the lines that continue it (backslash, pipe at line end,
 * open quotes, here-documents, if/for/while/case blocks). A `# comment` directly above names it.
 */
function split(code: string, options: SplitOptions): ShellChunk[] {
	const chunks: ShellChunk[] = [];
	const tracker = new CommandTracker();
	let current: {lines: string[]; offset: number; title?: string} | undefined;
	let comment: string | undefined;
	const close = () => {
		if (current) chunks.push({script: current.lines.join('\n'), offset: current.offset, ...(current.title ? {title: current.title} : {})});
		current = undefined;
	};
	code.split('\n').forEach((raw, index) => {
		const line = raw.replace(/\s+$/, '');
		if (current && tracker.open) {
			const continued = options.ps2 ? line.replace(/^\s*>\s/, '') : line;
			current.lines.push(continued);
			tracker.line(continued);
			return;
		}
		close();
		tracker.reset();
		const trimmed = line.trim();
		const command = trimmed === '' ? null : options.starts(line);
		if (command === null) {
			if (trimmed === '') comment = undefined;
			else if (options.comments && trimmed.startsWith('#') && !trimmed.startsWith('#!')) comment = trimmed.replace(/^#+\s*/, '') || undefined;
			else comment = undefined;
			return;
		}
		current = {lines: [command], offset: index, ...(comment ? {title: comment} : {})};
		comment = undefined;
		tracker.line(command);
	});
	close();
	return chunks.filter(chunk => chunk.script.trim().length > 0);
}

/** A shell fence (`bash`, `sh`…): every line outside comments is a command or part of one. */
export function splitShell(code: string): ShellChunk[] {
	return split(code, {
		comments: true,
		starts: line => (line.trim().startsWith('#') && !line.trim().startsWith('#!') ? null : line),
	});
}

/**
 * A transcript with prompts: the commands after `$ ` (and, in a console block, after a root
 * prompt, `# kubectl …`); output is dropped.
 */
export function consoleCommands(code: string, rootPrompts = true): ShellChunk[] {
	return split(code, {comments: false, ps2: true, starts: line => promptCommand(line) ?? (rootPrompts ? rootPromptCommand(line) : null)});
}

/** A block has prompts when its first line that is not blank or a comment starts with one. */
export function hasPrompts(code: string, rootPrompts = true): boolean {
	for (const line of code.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed) continue;
		if (promptCommand(line) !== null) return true;
		if (rootPrompts && rootPromptCommand(line) !== null) return true;
		if (trimmed.startsWith('#')) continue;
		return false;
	}
	return false;
}

export interface HttpRequestChunk {
	method: string;
	path: string;
	body?: string;
	offset: number;
	title?: string;
}

/** Requests of an HTTP console block: a method and path, then the body lines up to the next request or a blank line. */
export function httpRequests(code: string): HttpRequestChunk[] {
	const out: HttpRequestChunk[] = [];
	let current: {request: HttpRequestChunk; body: string[]} | undefined;
	let comment: string | undefined;
	const close = () => {
		if (!current) return;
		const body = current.body.join('\n').trim();
		out.push({...current.request, ...(body ? {body} : {})});
		current = undefined;
	};
	code.split('\n').forEach((raw, index) => {
		const line = raw.replace(/\s+$/, '');
		const request = httpRequestLine(line);
		if (request) {
			close();
			current = {request: {...request, offset: index, ...(comment ? {title: comment} : {})}, body: []};
			comment = undefined;
			return;
		}
		const trimmed = line.trim();
		if (current && trimmed && !(current.body.length === 0 && /^(?:#|\/\/)/.test(trimmed))) {
			current.body.push(line);
			return;
		}
		if (!trimmed) {
			// A blank line inside an open JSON body keeps it; else it ends the request.
			if (current && current.body.length > 0 && depthOf(current.body.join('\n')) > 0) current.body.push(line);
			else close();
			comment = undefined;
			return;
		}
		if (/^(?:#|\/\/)/.test(trimmed)) comment = trimmed.replace(/^(?:#+|\/\/+)\s*/, '') || undefined;
	});
	close();
	return out;
}

function depthOf(json: string): number {
	let depth = 0;
	for (const ch of json) {
		if (ch === '{' || ch === '[') depth++;
		else if (ch === '}' || ch === ']') depth--;
	}
	return depth;
}

/** Whether a block is an HTTP console block: its first line that is not blank or a comment is a request. */
export function isHttpConsole(code: string): boolean {
	for (const line of code.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed || /^(?:#|\/\/)/.test(trimmed)) continue;
		return httpRequestLine(trimmed) !== null;
	}
	return false;
}

/**
 * The commands of a block with no prompts that may mix commands and output (`console`, unlabelled):
 * lines that read as commands start one; lines that read as neither are commands only in a block
 * with no output in it.
 */
export function commandsAmongOutput(code: string): ShellChunk[] {
	const lines = code.split('\n');
	const kinds = lines.map(lineKind);
	const strict = split(code, {comments: true, starts: line => (lineKind(line) === 'command' ? line : null)});
	if (strict.length === 0) return [];
	// Lines inside a command (continuations) are not output, whatever they look like.
	const inside = new Set<number>();
	for (const chunk of strict) for (let i = 0; i < chunk.script.split('\n').length; i++) inside.add(chunk.offset + i);
	const hasOutput = kinds.some((kind, index) => kind === 'output' && !inside.has(index));
	if (hasOutput || !kinds.includes('ambiguous')) return strict;
	return split(code, {comments: true, starts: line => (['command', 'ambiguous'].includes(lineKind(line)) ? line : null)});
}

export type {ScanSpan};
