import {describe, expect, it} from 'vitest';
import {LocatedError} from '../../source/config/located-error.js';
import {parseRunbookText} from '../../source/runbook/library.js';
import {lintRunbook} from '../../source/runbook/lint.js';
import {inspectRunbook} from '../../source/runbook/inspect.js';

/** mulberry32: a tiny seeded PRNG so that a failing case can be reproduced from its seed. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const NOISE = ['-', ':', ' ', '  ', '\t', '#', '`', '```', '{', '}', '[', ']', '"', "'", '*', '|', '>', '{{', '}}', '1.', '- [ ]', '---', '$ ', '\n', 'é', '\u0000', '&a', '*a', '!!str', '? '];

function mutate(text: string, random: () => number): string {
	let lines = text.split('\n');
	const pick = () => Math.floor(random() * Math.max(lines.length, 1));
	const operations = 1 + Math.floor(random() * 4);
	for (let n = 0; n < operations; n++) {
		const i = pick();
		const line = lines[i] ?? '';
		switch (Math.floor(random() * 8)) {
			case 0:
				lines.splice(i, 1);
				break;
			case 1:
				lines.splice(i, 0, line);
				break;
			case 2: {
				const j = pick();
				[lines[i], lines[j]] = [lines[j] ?? '', line];
				break;
			}
			case 3: {
				const at = Math.floor(random() * (line.length + 1));
				lines[i] = line.slice(0, at) + NOISE[Math.floor(random() * NOISE.length)]! + line.slice(at);
				break;
			}
			case 4:
				lines = lines.slice(0, pick());
				break;
			case 5:
				lines[i] = random() < 0.5 ? `  ${line}` : line.replace(/^\s{1,2}/, '');
				break;
			case 6:
				lines[i] = line.slice(0, Math.floor(random() * line.length));
				break;
			default:
				lines[i] = line.replace(/\d+/, String(Math.floor(random() * 1e6) - 5));
		}
	}
	return lines.join('\n');
}

// Compact sources that still hold every construct, so 3,000 rounds stay quick.
const yamlSource = `id: fuzz
title: Fuzz
severity: SEV2
alerts:
  - HighErrorRate
  - name: ServiceDown
    labels: {team: a}
variables:
  - {name: namespace, default: shop, required: true}
  - {name: deployment, pattern: "[a-z]+", allowed: [checkout, cart]}
queries:
  - id: ratio
    promql: |
      sum(rate(http_requests_total{status=~"5.."}[1m]))
      / sum(rate(http_requests_total[1m]))
    unit: ratio
    warn: 0.01
    critical: 0.05
primaryQuery: ratio
steps:
  - title: Look
    section: Triage
    query: ratio
    body: [one, two]
    command: [kubectl, get, pods, -n, "{{namespace}}"]
  - title: Roll back
    id: rb
    action: {kind: rollback, deployment: "{{deployment}}", toRevision: 2}
    doneWhen: {query: ratio, below: 0.01, forSeconds: 60}
    commands:
      - {id: c1, script: "echo hi"}
  - title: Health
    doneWhen: {health: checkout}
    role: scribe
escalation:
  - {afterMinutes: 15, to: lead}
`;

const markdownSource = `---
id: fuzz-md
variables:
  - name: namespace
    default: shop
---
# Fuzz runbook

- [Jump](#a)

## HighErrorRate

**Alert:** \`HighErrorRate\`
**Severity:** P1

1. **Look**
   \`\`\`promql
   # ratio
   sum(rate(x[5m]))
   \`\`\`
2. Pods: \`kubectl get pods -n {{namespace}}\`
   - [ ] nested

### Step 1: Console

\`\`\`console
$ kubectl logs deploy/a \\
  --tail=5
output
\`\`\`

**Fix:**

\`\`\`bash {"name": "fix"}
for a in b; do
  echo $a
done
\`\`\`
`;

describe('fuzz: mutated runbooks never crash the loader', () => {
	for (const [kind, source, file] of [['YAML', yamlSource, 'fuzz.yaml'], ['Markdown', markdownSource, 'fuzz.md']] as const) {
		it(`${kind}: 1,500 mutations each load or throw a LocatedError with file and line`, () => {
			const seed = 0x5eed + (kind === 'YAML' ? 0 : 1);
			const random = prng(seed);
			let loaded = 0;
			let located = 0;
			for (let round = 0; round < 1500; round++) {
				const text = mutate(source, random);
				try {
					const runbook = parseRunbookText(text, file);
					// What the CLI does next with a loaded runbook must not crash either.
					lintRunbook(runbook);
					JSON.stringify(inspectRunbook(runbook));
					loaded++;
				} catch (error) {
					if (!(error instanceof LocatedError) || error.file !== file || !(typeof error.line === 'number' && error.line >= 1)) {
						throw new Error(`seed ${seed}, round ${round}: ${error instanceof LocatedError ? `LocatedError without a line: ${error.message}` : String((error as Error)?.stack ?? error)}\n--- input ---\n${text}`);
					}
					located++;
				}
			}
			expect(loaded + located).toBe(1500);
			// Both outcomes occur, so the mutations are neither all harmless nor all fatal.
			expect(loaded).toBeGreaterThan(0);
			if (kind === 'YAML') expect(located).toBeGreaterThan(0);
		}, 180_000);
	}
});
