/**
 * The command line's grammar, for every command of the tree: `--help`/`-h`/`help <command>` at
 * every level list the subcommands and the options; an unknown option, a missing or bad value
 * and a stray argument are one UsageError naming it. In process (the grammar is a pure
 * function of argv), then a few runs of the real binary for the exit codes and the one line.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError, resolve, type CommandSpec } from '../src/cli/args.js';
import { ROOT_COMMAND } from '../src/cli/commands.js';

/** Every command with the words that reach it: [], ['serve'], ['keys'], ['keys', 'create'], ... */
function walk(cmd: CommandSpec, words: string[] = []): { cmd: CommandSpec; words: string[] }[] {
  return [{ cmd, words }, ...(cmd.subcommands ?? []).flatMap((s) => walk(s, [...words, s.name]))];
}
const all = walk(ROOT_COMMAND);
const leaves = all.filter(({ cmd }) => !cmd.subcommands);
/** The words that satisfy a leaf's required arguments (a valid choice where there are choices). */
const requiredArgs = (cmd: CommandSpec) => (cmd.args ?? []).filter((a) => !a.optional).map((a) => a.choices?.[0] ?? 'x');
const name = (words: string[]) => ['scim-bridge', ...words].join(' ');

function usageError(argv: string[]): string {
  try {
    resolve(ROOT_COMMAND, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted`);
}

describe('--help at every level', () => {
  it.each(all.map(({ cmd, words }) => [name(words), cmd, words] as const))('%s', (_label, cmd, words) => {
    const help = resolve(ROOT_COMMAND, [...words, '--help']);
    expect(help.kind).toBe('help');
    const text = help.kind === 'help' ? help.text : '';
    expect(text).toMatch(new RegExp(`^Usage: ${name(words)}( |$)`));
    // -h, `help <command...>`, and --help after other options say the same.
    expect(resolve(ROOT_COMMAND, [...words, '-h'])).toEqual(help);
    expect(resolve(ROOT_COMMAND, ['help', ...words])).toEqual(help);
    expect(resolve(ROOT_COMMAND, [...words, '--bogus', '--help'])).toEqual(help);
    // It lists every subcommand and every option.
    for (const sub of cmd.subcommands ?? []) expect(text).toMatch(new RegExp(`^ {2}${sub.name}\\b.* {2}\\S`, 'm'));
    for (const [option, spec] of Object.entries(cmd.options ?? {})) {
      expect(text).toMatch(new RegExp(`^ {2}--${option}${spec.type === 'string' ? ' <' : ' '}`, 'm'));
    }
    expect(text).toMatch(/^ {2}-h, --help /m);
  });
});

describe('usage errors name what is wrong, the same way everywhere', () => {
  it.each(leaves.map(({ cmd, words }) => [name(words), cmd, words] as const))('%s', (label, cmd, words) => {
    const see = `; see "${label} --help"`;
    const args = requiredArgs(cmd);
    expect(usageError([...words, ...args, '--bogus'])).toBe(`${label}: unknown option --bogus${see}`);
    expect(usageError([...words, ...args, '-x'])).toBe(`${label}: unknown option -x${see}`);
    if (cmd.args?.every((a) => !a.choices)) {
      expect(usageError([...words, ...args, 'stray', 'words', 'here'])).toMatch(/: unexpected argument "(stray|words|here)"/);
    }
    const required = (cmd.args ?? []).find((a) => !a.optional);
    if (required) expect(usageError(words)).toBe(`${label}: ${required.missing ?? `missing <${required.name}>`}${see}`);
    for (const [option, spec] of Object.entries(cmd.options ?? {})) {
      if (spec.type === 'string') {
        expect(usageError([...words, ...args, `--${option}`])).toBe(`${label}: --${option} needs a value${see}`);
        expect(usageError([...words, ...args, `--${option}`, '--help-me'])).toMatch(new RegExp(`^${label}: --${option} needs a value`));
      } else {
        expect(usageError([...words, ...args, `--${option}=yes`])).toBe(`${label}: --${option} takes no value${see}`);
      }
    }
  });

  it.each([
    [['frobnicate'], 'scim-bridge: unknown command "frobnicate"'],
    [['keys', 'frobnicate'], 'scim-bridge keys: unknown subcommand "frobnicate"'],
    [['keys'], 'scim-bridge keys: give a subcommand: list, create, revoke'],
    [['help', 'nothing'], 'scim-bridge: unknown command "nothing"'],
    [['--json'], 'scim-bridge: unknown option --json'],
    [['serve', '--port', 'eighty'], 'scim-bridge serve: --port must be a port number from 0 to 65535 (got "eighty")'],
    [['serve', '--port', '65536'], 'scim-bridge serve: --port must be a port number from 0 to 65535 (got "65536")'],
    [['logs', '--limit', '0'], 'scim-bridge logs: --limit must be a whole number of 1 or more (got "0")'],
    [['logs', '--outcome', 'bogus'], 'scim-bridge logs: --outcome must be success, failed or pending (got "bogus")'],
    [['logs', '--type', 'user'], 'scim-bridge logs: --type must be User or Group (got "user")'],
    [['logs', '--since', 'yesterday'], 'scim-bridge logs: --since must be a date-time such as 2026-01-31T09:00:00Z (got "yesterday")'],
    [['keys', 'create', '--name', ''], 'scim-bridge keys create: --name must be 1 to 100 characters (got "")'],
    [['deliveries', 'retry', 'person', 'p1'], 'scim-bridge deliveries retry: <member|group> must be member or group (got "person")'],
  ])('%j', (argv, message) => {
    expect(usageError(argv)).toMatch(new RegExp(`^${message.replace(/[()|[\]"]/g, '\\$&')}; see "`));
  });

  it('takes values both ways, and converts them', () => {
    const a = resolve(ROOT_COMMAND, ['logs', '--limit', '5', '--since=2026-01-31T09:00:00Z', '--follow']);
    const b = resolve(ROOT_COMMAND, ['serve', '--port=0']);
    expect(a.kind === 'run' && a.input.values).toMatchObject({ limit: 5, since: new Date('2026-01-31T09:00:00Z'), follow: true });
    expect(b.kind === 'run' && b.input.values).toMatchObject({ port: 0 });
    const c = resolve(ROOT_COMMAND, ['keys', 'create', '--name=-dash-first']);
    expect(c.kind === 'run' && c.input.values).toMatchObject({ name: '-dash-first' });
  });
});

/** The real binary, concurrently (each start costs a second or so). */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: '/nonexistent/never-created' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('the binary', () => {
  it('--help at the top, on a group and on a subcommand: exit 0 on stdout; --version prints the version', async () => {
    const [main, keys, create, version, helpWord] = await Promise.all([
      run(['--help']),
      run(['keys', '-h']),
      run(['keys', 'create', '--help']),
      run(['--version']),
      run(['help', 'logs']),
    ]);
    for (const r of [main, keys, create, version, helpWord]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    }
    for (const sub of ROOT_COMMAND.subcommands!) expect(main.stdout).toMatch(new RegExp(`^ {2}${sub.name}\\b`, 'm'));
    expect(keys.stdout).toMatch(/^ {2}revoke <id> /m);
    expect(create.stdout).toMatch(/^ {2}--view-only /m);
    expect(helpWord.stdout).toMatch(/^ {2}--follow /m);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version.stdout).toBe(`${pkg.version}\n`);
  });

  it('a bad command line is one line on stderr and exit 2, at every depth, before anything runs', async () => {
    const runs = await Promise.all([
      run(['--bogus']),
      run(['frobnicate']),
      run(['connections', '--bogus']),
      run(['keys', 'create', '--viewonly']),
      run(['logs', '--limit']),
      run(['serve', '--port', 'x']),
      run(['doctor', 'now']),
      // Checked by the command itself (an id only with a type), in the same form.
      run(['deliveries', 'approve', 'member']),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^scim-bridge[^\n]*: [^\n]+; see "scim-bridge[^"]* --help"\n$/);
    }
    expect(runs.map((r) => r.stderr.split(':')[1]!.trim().split(';')[0])).toEqual([
      'unknown option --bogus',
      'unknown command "frobnicate"',
      'unknown option --bogus',
      'unknown option --viewonly',
      '--limit needs a value',
      '--port must be a port number from 0 to 65535 (got "x")',
      'unexpected argument "now"',
      'give the id of the member or group, as scim-bridge deliveries list shows it',
    ]);
  });
});
