/**
 * Imported first by tests that draw the cockpit through Ink in a terminal emulator: Ink decides at
 * import whether it runs under CI (and then draws nothing until exit), and a test file's static imports
 * (ink-testing-library, the cockpit's modules) load it before any beforeAll could remove CI.
 */
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
