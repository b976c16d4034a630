// CPU time and resident memory of running processes, read from /proc (Linux only): what the
// resource benchmark charges to each proxy.
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ); 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, all threads) that process `pid` has used so far; 0 if it is gone. */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // The command name (field 2) may hold spaces; the fields after it start past the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}

/** CPU seconds used so far by all of `pids`. */
export function totalCpuSeconds(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) sum += cpuSeconds(pid);
  return sum;
}

/** Resident memory of `pid` in MB (VmRSS), or NaN if it is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Total resident memory of `pids` in MB. */
export function totalRssMb(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) sum += rssMb(pid);
  return sum;
}

/** The direct children of `pid` (nginx's workers under their master). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((s) => s !== '').map(Number);
  } catch {
    return [];
  }
}

/**
 * Samples the peak RSS of `pids` every `everyMs` until the returned stop function is called, which
 * returns the peak in MB.
 */
export function samplePeakRss(pids: readonly number[], everyMs = 200): () => number {
  let peak = totalRssMb(pids);
  const timer = setInterval(() => {
    const now = totalRssMb(pids);
    if (now > peak) peak = now;
  }, everyMs);
  return () => {
    clearInterval(timer);
    const now = totalRssMb(pids);
    return Math.max(peak, now);
  };
}
