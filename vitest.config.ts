import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		environment: 'node',
		reporters: ['default', './test/support/summary-reporter.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Ink reads CI to decide whether to draw; ink-testing-library is unaffected, but keep it off for child processes.
		env: {FORCE_COLOR: '0'},
	},
});
