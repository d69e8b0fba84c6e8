/** Whether another process still runs: used by the run lock and by checkpoint hygiene (stale temporary files). */

/**
 * Whether a process with this PID runs on this machine (`kill(pid, 0)`; EPERM means it runs, as another user).
 * Like psutil.pid_exists; PIDs of other hosts are meaningless here (the caller compares hosts first).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
