// A private DBus bus for tests: a dbus-daemon of its own, with its own configuration, listening
// on a Unix socket in a temporary directory. Tests never touch the machine's system or session
// bus. dbus-daemon comes with Debian's `dbus` package (.ci/run installs it).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

export interface PrivateBus {
  /** The address clients connect to: `unix:path=<dir>/bus.sock`. */
  readonly address: string;
  /** Stops the daemon (clients see their connection end); the teardown also does it. */
  stop(): Promise<void>;
}

export interface PrivateBusOptions {
  /**
   * Rules added to the default policy after the permissive ones, e.g.
   * `<deny send_destination="org.asamk.Signal"/>` to play a bus that refuses us.
   */
  readonly extraPolicy?: string;
  /** Elements added to the configuration, e.g. `<limit name="max_connections_per_user">1</limit>`. */
  readonly extraConfig?: string;
}

// Everyone may connect, own any name and talk to anyone: the test process plays both the
// service and its clients. (A policy without `<allow user="*"/>` leaves clients hanging at Hello.)
function busConfig(socket: string, extraPolicy: string, extraConfig: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>custom</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  ${extraConfig}
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    ${extraPolicy}
  </policy>
</busconfig>
`;
}

/** Starts dbus-daemon on a socket in a fresh temporary directory; stopped and removed at teardown. */
export async function startPrivateBus(t: TestLike, options: PrivateBusOptions = {}): Promise<PrivateBus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cw-dbus-'));
  const config = path.join(dir, 'bus.conf');
  await writeFile(config, busConfig(path.join(dir, 'bus.sock'), options.extraPolicy ?? '', options.extraConfig ?? ''));
  const daemon = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address', '--nopidfile', '--nosyslog'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(daemon, 'exit');
  const stop = async () => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  t.teardown(stop);
  // The daemon prints its address once it listens.
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    daemon.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n');
      if (line.length > 1 && line[0]) resolve(line[0].trim());
    });
    daemon.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('dbus-daemon not found: install the dbus package (see .ci/run)') : error),
    );
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}: ${stderr.trim()}`)));
  });
  return { address, stop };
}
