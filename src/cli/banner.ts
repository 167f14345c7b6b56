/**
 * What `serve` prints on a terminal once it listens, besides the JSON log line: where to point
 * an IdP and a browser, the first run's secrets (this one time only), and what is missing.
 * Never written to the log: the first run's secrets must not reach a log collector.
 */
import type { Config } from '../config.js';
import type { FirstRunSecrets } from '../first-run.js';
import type { CredentialCounts } from '../store/credentials.repo.js';

export interface BannerInput {
  version: string;
  config: Pick<Config, 'HOST' | 'PUBLIC_URL' | 'DATA_DIR' | 'TARGET'>;
  port: number;
  firstRun: FirstRunSecrets | null;
  credentials: CredentialCounts;
}

/** The origin a person on this machine reaches the bridge at (PUBLIC_URL when set). */
export function publicOrigin(config: Pick<Config, 'HOST' | 'PUBLIC_URL'>, port: number): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, '');
  const host = ['0.0.0.0', '::', '0:0:0:0:0:0:0:0'].includes(config.HOST) ? 'localhost' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function banner({ version, config, port, firstRun, credentials }: BannerInput): string {
  const origin = publicOrigin(config, port);
  const lines = [
    '',
    `scim-bridge ${version} is running (target: ${config.TARGET}, DATA_DIR: ${config.DATA_DIR})`,
    '',
    `  SCIM base URL   ${origin}/scim/v2`,
    `  Console         ${origin}/admin`,
  ];
  if (firstRun) {
    lines.push(
      '',
      'First run: nothing was configured, so the bridge made a SCIM connection and an admin key.',
      'They are shown this once (only their hashes are stored): keep them now.',
      '',
      `  SCIM token for "${firstRun.source}"   ${firstRun.token}`,
      `  Admin key               ${firstRun.adminKey}`,
    );
  }
  if (credentials.liveConnections === 0) {
    lines.push(
      '',
      'Warning: no SCIM connection has a live token, so no IdP can push. Make one with',
      '  scim-bridge connections create okta        (or set BRIDGE_CONNECTIONS=okta:<token>)',
    );
  }
  if (credentials.liveAdminKeys === 0) {
    lines.push(
      '',
      'Warning: no admin key is live, so the console and the admin API refuse everyone. Make one with',
      '  scim-bridge keys create                    (or set BRIDGE_ADMIN_KEY=<key>)',
    );
  }
  return `${lines.join('\n')}\n\n`;
}
