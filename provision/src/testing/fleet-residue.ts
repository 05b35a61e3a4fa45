// Proof that a run left nothing behind: its processes, namespaces, mounts, cgroups and
// registry are traced while it lives, then searched for across the whole machine.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { cgroupV2Root, runLeftovers } from './fleet-world.ts';

/** What a live run consists of, as seen from the machine's own namespaces. */
export interface RunTrace {
  run: string;
  /** Every process of the run (and of the traced owner's process tree): pid and start time. */
  processes: { pid: number; start: string; name: string }[];
  /** Its namespaces, as the kernel names them: `net:[4026532801]`. */
  namespaces: string[];
}

/** Root-namespace state that a run must not change: mounts, network links, named netns. */
export interface MachineSnapshot {
  mounts: string[];
  links: string[];
  netns: string[];
}

const NAMESPACE_KINDS = ['mnt', 'net', 'pid', 'uts', 'ipc', 'cgroup', 'user', 'time'];

/**
 * Records the live run `run`: every process in its cgroups, every descendant of `ownerPid`
 * (the test process that started it), and every namespace those processes are in that the
 * machine's own processes are not.
 */
export function traceRun(run: string, ownerPid?: number): RunTrace {
  const pids = new Set<number>(cgroupPids(path.join(cgroupV2Root(), `fleet-${run}`)));
  if (ownerPid !== undefined) for (const pid of descendants(ownerPid)) pids.add(pid);
  const machine = new Set(namespacesOf(process.pid)); // the test runs in the machine's own
  const namespaces = new Set<string>();
  const processes: RunTrace['processes'] = [];
  for (const pid of pids) {
    const start = startTime(pid);
    if (start === null) continue;
    processes.push({ pid, start, name: processName(pid) });
    for (const ns of namespacesOf(pid)) if (!machine.has(ns)) namespaces.add(ns);
  }
  return { run, processes, namespaces: [...namespaces].sort() };
}

/**
 * Everything of a traced run that still exists anywhere on the machine, one line each;
 * [] when it is all gone. Looks at every process: its namespaces, open files and mounts.
 */
export function runResidue(trace: RunTrace): string[] {
  const found = runLeftovers(trace.run).map((p) => `directory ${p}`);
  for (const p of trace.processes) {
    if (startTime(p.pid) === p.start) found.push(`process ${p.pid} (${p.name})`);
  }
  const namespaces = new Set(trace.namespaces);
  const mountSources = new RegExp(` - \\S+ fleet-${trace.run}(-\\S+)? `);
  for (const pid of allPids()) {
    for (const ns of namespacesOf(pid)) if (namespaces.has(ns)) found.push(`process ${pid} (${processName(pid)}) in ${ns}`);
    for (const link of fdTargets(pid)) if (namespaces.has(link)) found.push(`process ${pid} holds ${link} open`);
    for (const line of mountInfo(pid)) {
      if (mountSources.test(line)) found.push(`mount seen by ${pid}: ${line}`);
      const nsfs = / - nsfs \S+/.test(line) ? /(\w+:\[\d+\])/.exec(line)?.[1] : undefined;
      if (nsfs && namespaces.has(nsfs)) found.push(`namespace ${nsfs} bind-mounted (seen by ${pid})`);
    }
  }
  return [...new Set(found)];
}

/** The machine's own mounts, links and named network namespaces (what `ip` and mount show). */
export function machineSnapshot(): MachineSnapshot {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').slice(4).join(' ').replace(/ shared:\d+| master:\d+/g, ''));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(':')[1]?.trim() ?? line);
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return { mounts: mounts.sort(), links: links.sort(), netns: netns.sort() };
}

function cgroupPids(dir: string): number[] {
  const pids: number[] = [];
  try {
    pids.push(...readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) pids.push(...cgroupPids(path.join(dir, entry.name)));
    }
  } catch {
    // the cgroup went away while we walked it
  }
  return pids;
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function allPids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

function namespacesOf(pid: number): string[] {
  return NAMESPACE_KINDS.flatMap((kind) => {
    try {
      return [readlinkSync(`/proc/${pid}/ns/${kind}`)];
    } catch {
      return [];
    }
  });
}

function fdTargets(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

function mountInfo(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n');
  } catch {
    return [];
  }
}

// Field 22 of /proc/PID/stat: start time in clock ticks; with the pid, it names a process
// even after the pid number is reused.
function startTime(pid: number): string | null {
  const fields = statFields(pid);
  return fields?.[19] ?? null;
}

function parentOf(pid: number): number | null {
  const ppid = statFields(pid)?.[1];
  return ppid === undefined ? null : Number(ppid);
}

// The fields after "pid (comm) ", which may itself hold spaces and parentheses.
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim().slice(0, 120);
  } catch {
    return '?';
  }
}
