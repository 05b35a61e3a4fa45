// `npm run bench:fleet [-- ROUNDS]`: how long a simulated fleet takes to come up and go away.
// Each round boots 1 host (the peer: what one boot costs on this machine right now), then
// 3 hosts, until systemd reports `running` on every host and sshd answers; runs one command
// over ssh2 on each; tears down (cgroup.kill, cleanup, residue check). Prints medians and ranges.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fleetSkipReason, startFleet, type Fleet } from '../provision/src/testing/fleet.ts';
import { sshExec } from '../provision/src/testing/fleet-ssh.ts';

const rounds = Number(process.argv[2] ?? 5);
const skip = fleetSkipReason();
if (skip) {
  console.error(`bench:fleet cannot run here: ${skip}`);
  process.exit(1);
}

interface Sample {
  up: number;
  ssh: number;
  down: number;
}

async function once(hosts: number): Promise<Sample> {
  const noTeardown = { teardown: () => {} }; // stop() is called and timed below
  const names = ['lb', 'app1', 'db1', 'app2', 'db2'].slice(0, hosts).map((name) => ({ name }));
  const t0 = performance.now();
  const fleet: Fleet = await startFleet(noTeardown, { hosts: names });
  const t1 = performance.now();
  await Promise.all(fleet.hosts.map((h) => sshExec(h, fleet.operator.privateKey, 'true')));
  const t2 = performance.now();
  await fleet.stop();
  const t3 = performance.now();
  return { up: t1 - t0, ssh: t2 - t1, down: t3 - t2 };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return `${(median / 1000).toFixed(2)} s (${((sorted[0] ?? NaN) / 1000).toFixed(2)}–${((sorted.at(-1) ?? NaN) / 1000).toFixed(2)})`;
}

const results: Record<number, Sample[]> = { 1: [], 3: [] };
for (let round = 1; round <= rounds; round++) {
  for (const hosts of [1, 3]) {
    const sample = await once(hosts);
    results[hosts]?.push(sample);
    console.log(`round ${round}, ${hosts} host(s): up ${(sample.up / 1000).toFixed(2)} s, ssh2 ${(sample.ssh / 1000).toFixed(2)} s, down ${(sample.down / 1000).toFixed(2)} s`);
  }
}

const one = results[1] ?? [];
const three = results[3] ?? [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(`\n${rounds} rounds on ${os.cpus().length} cores (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
console.log(`1 host  up to SSH-ready + running: ${summary(one.map((s) => s.up))}   down: ${summary(one.map((s) => s.down))}`);
console.log(`3 hosts up to SSH-ready + running: ${summary(three.map((s) => s.up))}   down: ${summary(three.map((s) => s.down))}`);
console.log(`3 hosts first ssh2 command on each (parallel): ${summary(three.map((s) => s.ssh))}`);
console.log(`ratio 3 hosts / 1 host (up): ${(median(three.map((s) => s.up)) / median(one.map((s) => s.up))).toFixed(2)}`);
