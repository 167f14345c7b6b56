/**
 * The command line's grammar, on node:util parseArgs: a tree of commands, each with its options
 * and arguments, from which both the parsing and every `--help` are made, so that they cannot
 * disagree. Every usage error is one line naming the option or argument, and exit code 2.
 */
import { parseArgs } from 'node:util';
import type { z } from 'zod';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help: `<n>`. */
  value?: string;
  help: string;
  /** Validates (and converts) a string value; the issue's message follows the option's name. */
  schema?: z.ZodType;
}

export interface ArgSpec {
  name: string;
  optional?: boolean;
  /** Said when the argument is missing, instead of "missing <name>". */
  missing?: string;
  /** The only words it may be. */
  choices?: string[];
}

export interface Input {
  values: Record<string, unknown>;
  positionals: string[];
  /** `scim-bridge keys create`, for messages. */
  path: string;
}

export interface CommandSpec {
  name: string;
  /** One line, in the parent's list of commands. */
  summary: string;
  /** Shown under the usage line of this command's help. */
  description?: string;
  args?: ArgSpec[];
  options?: Record<string, OptionSpec>;
  subcommands?: CommandSpec[];
  run?: (input: Input) => number | Promise<number>;
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
const PROGRAM = 'scim-bridge';

/** A bad command line: one line naming what is wrong, exit 2. */
export class UsageError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}; see "${path} --help"`);
  }
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };
export const JSON_OPTION: OptionSpec = { type: 'boolean', help: 'print JSON instead of text' };

function allOptions(cmd: CommandSpec): Record<string, OptionSpec> {
  return { ...cmd.options, help: HELP_OPTION };
}

/** `<subcommand>`, `<id> [options]`: what a command takes (--help goes without saying). */
export function synopsis(cmd: CommandSpec): string {
  const args = (cmd.args ?? []).map((a) => (a.optional ? `[<${a.name}>]` : `<${a.name}>`));
  const sub = cmd.subcommands ? ['<subcommand>'] : [];
  const options = Object.keys(cmd.options ?? {}).length ? ['[options]'] : [];
  return [...sub, ...args, ...options].join(' ');
}

function table(rows: [string, string][]): string[] {
  const width = Math.min(32, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) => {
    const lines = right.split('\n');
    const first = left.length > width ? `  ${left}\n  ${''.padEnd(width)}  ${lines[0]}` : `  ${left.padEnd(width)}  ${lines[0]}`;
    return [first, ...lines.slice(1).map((l) => `  ${''.padEnd(width)}  ${l}`)].join('\n');
  });
}

export function helpText(cmd: CommandSpec, path: string): string {
  const word = path === PROGRAM ? 'command' : 'subcommand';
  const parts = [`Usage: ${path} ${synopsis(cmd).replace('<subcommand>', `<${word}>`)}`.trimEnd()];
  if (cmd.description) parts.push(cmd.description);
  else parts.push(cmd.summary);
  if (cmd.subcommands) {
    const commandLine = (s: CommandSpec) =>
      [
        s.name,
        ...(s.subcommands ? ['<subcommand>'] : []),
        ...(s.args ?? []).map((a) => (a.optional ? `[<${a.name}>]` : `<${a.name}>`)),
      ].join(' ');
    parts.push(['Commands:', ...table(cmd.subcommands.map((s): [string, string] => [commandLine(s), s.summary]))].join('\n'));
  }
  const options = Object.entries(allOptions(cmd)).map(([name, o]): [string, string] => [
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`,
    o.help,
  ]);
  parts.push(['Options:', ...table(options)].join('\n'));
  if (cmd.subcommands) parts.push(`Run "${path} <${word}> --help" for a ${word}'s options.`);
  return parts.join('\n\n');
}

export type Resolution = { kind: 'help'; text: string } | { kind: 'run'; run: NonNullable<CommandSpec['run']>; input: Input };

/**
 * Walks `argv` down the tree: leading words that name a subcommand descend; the rest are the
 * command's options and arguments. `help <command...>` is `<command...> --help`. Throws UsageError.
 */
export function resolve(root: CommandSpec, argv: string[]): Resolution {
  let cmd = root;
  let path = PROGRAM;
  let rest = argv;
  if (rest[0] === 'help') {
    for (const word of rest.slice(1)) {
      const next = cmd.subcommands?.find((s) => s.name === word);
      if (!next) throw new UsageError(path, `unknown command "${word}"`);
      cmd = next;
      path = `${path} ${word}`;
    }
    return { kind: 'help', text: helpText(cmd, path) };
  }
  while (cmd.subcommands && rest[0] !== undefined && !rest[0].startsWith('-')) {
    const word = rest[0];
    const next = cmd.subcommands.find((s) => s.name === word);
    if (!next) throw new UsageError(path, `unknown ${cmd === root ? 'command' : 'subcommand'} "${word}"`);
    cmd = next;
    path = `${path} ${word}`;
    rest = rest.slice(1);
  }
  const options = allOptions(cmd);
  const { values, positionals, tokens } = parseArgs({
    args: rest,
    options: Object.fromEntries(
      Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  // --help wins over everything else on the line, as in most tools.
  if (values.help === true) return { kind: 'help', text: helpText(cmd, path) };
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) throw new UsageError(path, `unknown option ${token.rawName}`);
    if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(path, `${token.rawName} takes no value`);
    // parseArgs takes the next word even when it is an option: `--name --json` lacks a name.
    if (
      spec.type === 'string' &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-'))
    ) {
      throw new UsageError(
        path,
        `${token.rawName} needs a value${token.value ? ` (write ${token.rawName}=${token.value} for one that starts with "-")` : ''}`,
      );
    }
  }
  const parsed: Record<string, unknown> = { ...values };
  for (const [name, spec] of Object.entries(options)) {
    const raw = values[name];
    if (spec.schema && typeof raw === 'string') {
      const checked = spec.schema.safeParse(raw);
      if (!checked.success) throw new UsageError(path, `--${name} ${checked.error.issues[0]?.message ?? 'is not valid'} (got "${raw}")`);
      parsed[name] = checked.data;
    }
  }
  if (cmd.subcommands && !cmd.run) {
    throw new UsageError(path, `give a subcommand: ${cmd.subcommands.map((s) => s.name).join(', ')}`);
  }
  const args = cmd.args ?? [];
  args.forEach((a, i) => {
    const word = positionals[i];
    if (word !== undefined && a.choices && !a.choices.includes(word)) {
      throw new UsageError(path, `<${a.name}> must be ${a.choices.join(' or ')} (got "${word}")`);
    }
  });
  const missing = args.find((a, i) => !a.optional && positionals[i] === undefined);
  if (missing) throw new UsageError(path, missing.missing ?? `missing <${missing.name}>`);
  const extra = positionals[args.length];
  if (extra !== undefined) throw new UsageError(path, `unexpected argument "${extra}"`);
  if (!cmd.run) throw new UsageError(path, 'nothing to run');
  return { kind: 'run', run: cmd.run, input: { values: parsed, positionals, path } };
}
