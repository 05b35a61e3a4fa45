// A shell channel's settings: a command for each direction (Healthchecks' cmd_down, cmd_up).
import { ChannelConfigError, type Direction } from '../types.ts';
import { findUnsafePlaceholder } from './template.ts';

export interface ShellConfig {
  /** Empty: this direction is a no-op. */
  readonly cmd_down: string;
  readonly cmd_up: string;
}

/** Healthchecks' form limit. */
export const MAX_COMMAND = 1000;

/** Validates and normalises shell settings; throws ChannelConfigError naming the field. */
export function parseShellConfig(raw: Record<string, unknown>): ShellConfig {
  const config = { cmd_down: parseCommand(raw, 'cmd_down'), cmd_up: parseCommand(raw, 'cmd_up') };
  if (!config.cmd_down && !config.cmd_up) throw new ChannelConfigError('cmd_down or cmd_up must be set');
  return config;
}

/** The command of one direction ('' when none). */
export function commandFor(config: ShellConfig, direction: Direction): string {
  return direction === 'down' ? config.cmd_down : config.cmd_up;
}

function parseCommand(raw: Record<string, unknown>, name: 'cmd_down' | 'cmd_up'): string {
  const value = raw[name] ?? '';
  if (typeof value !== 'string') throw new ChannelConfigError(`${name} must be a string`);
  if (value.length > MAX_COMMAND) throw new ChannelConfigError(`${name} is too long (at most ${MAX_COMMAND} characters)`);
  if (value.includes('\0')) throw new ChannelConfigError(`${name} must not contain NUL characters`);
  const command = value.trim();
  const unsafe = findUnsafePlaceholder(command);
  if (unsafe !== null) {
    throw new ChannelConfigError(
      `${name}: ${unsafe.placeholder} stands in ${unsafe.context} (at character ${unsafe.index + 1}); ` +
        `write it unquoted: its value is quoted for the shell, and quoting it again would let a check name run commands`,
    );
  }
  return command;
}
