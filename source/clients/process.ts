/** Whether process `pid` runs on this host (signal 0 checks without signalling); EPERM: it runs, as another user. */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
