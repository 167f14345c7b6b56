#!/usr/bin/env node
/**
 * `scim-bridge`: every failure is one line on stderr (never a stack trace): exit 2 for a bad
 * command line, 1 for anything else (bad configuration, DATA_DIR, a busy port, another bridge).
 */
import { UsageError, resolve, EXIT } from './cli/args.js';
import { ROOT_COMMAND } from './cli/commands.js';

async function main(argv: string[]): Promise<number> {
  try {
    const resolution = resolve(ROOT_COMMAND, argv.length ? argv : ['serve']);
    if (resolution.kind === 'help') {
      process.stdout.write(`${resolution.text}\n`);
      return EXIT.ok;
    }
    return await resolution.run(resolution.input);
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`${err instanceof UsageError ? '' : 'scim-bridge: '}${message}\n`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
