// Entry point of the `cronwarden` command: picks the subcommand and loads only its module,
// so `cronwarden cron eval` starts without loading pg or express.

interface CommandModule {
  run(args: string[]): Promise<number>;
}

interface Command {
  summary: string;
  load(): Promise<CommandModule>;
}

const serve = (roles: string[]): Command['load'] => async () => {
  const { serve } = await import('./cli/serve.ts');
  return { run: (args) => serve(roles, args) };
};

const commands: Record<string, Command> = {
  all: { summary: 'run every role in one process (what `npm start` runs)', load: serve(['web', 'alerts']) },
  web: { summary: 'serve the management API and the ping endpoints', load: serve(['web']) },
  ping: { summary: 'serve the ping endpoints only', load: serve(['ping']) },
  alerts: { summary: 'run the alert engine: deadlines, notifications, retries', load: serve(['alerts']) },
  migrate: { summary: 'apply pending database migrations, then exit', load: () => import('./cli/migrate.ts') },
  project: { summary: 'create and list projects, list and rotate their keys', load: () => import('./cli/project.ts') },
  user: { summary: 'create users and their account API keys', load: () => import('./cli/user.ts') },
  cron: { summary: 'evaluate cron and OnCalendar schedules (eval: JSON lines; next: fire times)', load: () => import('./cli/cron.ts') },
  signal: { summary: 'talk to signal-cli over DBus: submit a CAPTCHA challenge, check the bridge', load: () => import('./cli/signal.ts') },
  fleet: { summary: 'provision the fleet over SSH: plan, apply, doctor, lock (see docs/provisioning.md)', load: () => import('../../provision/src/cli.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: cronwarden <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`cronwarden: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(args);
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`cronwarden: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
