/** `scim-bridge serve`: the bridge itself, until SIGTERM or SIGINT. */
import { z } from 'zod';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import type { CommandSpec, Input } from './args.js';
import { banner } from './banner.js';
import { EXIT, cliConfig, option } from './common.js';
import { packageVersion } from './version.js';

async function run(input: Input): Promise<number> {
  const config = cliConfig();
  const port = option<number>(input.values, 'port');
  const host = option(input.values, 'host');
  if (port !== undefined) config.PORT = port;
  if (host !== undefined) config.HOST = host;
  const logger = createLogger(config.LOG_LEVEL);
  // The banner, and with it the first run's secrets, only where a person reads them.
  const terminal = process.stdout.isTTY === true;
  // Read before the start, so that a broken install fails before anything listens.
  const version = packageVersion();
  const server = await startServer(config, logger, { firstRun: terminal });
  if (terminal) {
    process.stdout.write(banner({ version, config, port: server.port, firstRun: server.firstRun, credentials: server.credentials }));
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      void server.close().then(() => resolve(EXIT.ok));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

export const SERVE_COMMAND: CommandSpec = {
  name: 'serve',
  summary: 'Start the bridge (the default; what npm start runs)',
  description: `Starts the HTTP server on HOST:PORT with its database under DATA_DIR, and stops gracefully
on SIGTERM or SIGINT. One bridge per DATA_DIR: a second one on the same directory refuses to start.
On a terminal it prints where to go; at the very first start, with no connection and no admin
key configured, it makes an "okta" connection and an admin key and prints both secrets once.`,
  options: {
    port: {
      type: 'string',
      value: '<port>',
      help: 'listen on this port (instead of PORT, default 8080)',
      schema: z
        .string()
        .regex(/^[0-9]+$/, 'must be a port number from 0 to 65535')
        .transform(Number)
        .refine((n) => n <= 65535, 'must be a port number from 0 to 65535'),
    },
    host: {
      type: 'string',
      value: '<address>',
      help: 'listen on this address (instead of HOST, default 0.0.0.0)',
      schema: z.string().min(1, 'must not be empty'),
    },
  },
  run,
};
