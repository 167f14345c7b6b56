import { pino, type Logger } from 'pino';

/** Structured JSON logs on stdout. Authorization headers are never logged (none are passed in). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'scim-bridge' }, timestamp: pino.stdTimeFunctions.isoTime });
}
