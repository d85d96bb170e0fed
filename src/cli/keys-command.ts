import type { Command } from 'commander';
import { InvalidInputError } from '../errors.js';
import type { ApiKeyRecord } from '../keys/keys-schema.js';
import { printObject, printRows } from './common.js';
import type { KeyAdmin } from './served-keys.js';

/** Key administration (served-keys.js, which loads the keys service) loads when a command runs. */
const withKeys: typeof import('./served-keys.js').withKeys = async (f, fn) =>
  (await import('./served-keys.js')).withKeys(f, fn);

interface KeyFlags {
  databaseUrl?: string;
  dataDir?: string;
  json?: boolean;
  tenant?: string;
  name?: string;
  scopes?: string;
  tier?: string;
  rateLimit?: string;
  monthlyQuota?: string;
  expiresAt?: string;
  user?: string;
  agent?: string;
  pin?: boolean;
}

function storeFlags(cmd: Command): Command {
  return cmd
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--json', 'print JSON');
}

function intFlag(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new InvalidInputError(`--${field} must be a whole number (got "${value}")`, field);
  return Number(value);
}

function row(r: ApiKeyRecord): Record<string, unknown> {
  const state = r.revokedAt
    ? 'revoked'
    : !r.enabled
      ? 'disabled'
      : r.expiresAt && r.expiresAt <= new Date()
        ? 'expired'
        : 'active';
  return {
    id: r.id,
    tenant: r.tenant,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes.join(','),
    user: r.user,
    agent: r.agent,
    pinned: r.pinned,
    state,
    perMinute: r.rateLimitPerMinute,
    monthlyQuota: r.monthlyQuota ?? '',
    expiresAt: r.expiresAt ?? '',
    lastUsedAt: r.lastUsedAt ?? '',
  };
}

/** Data the new key cannot see is the classic surprise after following the README: say so. */
async function warnOtherTenants(keys: KeyAdmin, tenant: string): Promise<void> {
  const others = await keys.otherTenants(tenant);
  if (others.length === 0) return;
  const list = others.map((o) => `"${o.tenant}" (${o.rows} rows)`).join(', ');
  process.stderr.write(
    `warning: this store holds memory in other tenants than "${tenant}": ${list}. ` +
      `This key acts on tenant "${tenant}" only and sees none of it; ` +
      `create the key with --tenant ${others[0].tenant} to reach that data.\n`,
  );
}

/**
 * `mnemo keys create|list|revoke|disable|enable`: key administration working
 * directly on the store (no server needed).
 *
 * @example
 * // mnemo keys create --tenant acme --scopes read,write --name ci
 * // mnemo keys create --user alice --agent claude --pin   (tenant default)
 */
export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('manage the API keys of the HTTP server (works on the store directly)');

  storeFlags(keys.command('create'))
    .description('create an API key; it is printed once and only its hash is stored')
    .option('--tenant <id>', 'tenant the key acts on', 'default')
    .option('--user <id>', 'user its calls default to (MCP over HTTP: the scope user)')
    .option('--agent <id>', 'agent its calls default to (MCP over HTTP: the scope agent)')
    .option('--pin', 'refuse calls that name another user or agent than --user/--agent')
    .option('--name <name>', 'a label for people')
    .option('--scopes <list>', 'comma-separated: read, write, admin (default read,write)')
    .option('--tier <tier>', 'a label for plans (default standard)')
    .option('--rate-limit <n>', 'requests per minute (default 600)')
    .option('--monthly-quota <n>', 'requests per calendar month, UTC (default unlimited)')
    .option('--expires-at <iso>', 'expiry, e.g. 2027-01-01T00:00:00Z')
    .action(async (f: KeyFlags) => {
      await withKeys(f, async (keys) => {
        const created = await keys.create({
          tenant: f.tenant as string,
          ...(f.name !== undefined ? { name: f.name } : {}),
          ...(f.scopes !== undefined
            ? { scopes: f.scopes.split(',').map((s) => s.trim()) as ('read' | 'write' | 'admin')[] }
            : {}),
          ...(f.tier !== undefined ? { tier: f.tier } : {}),
          ...(f.rateLimit !== undefined ? { rateLimitPerMinute: intFlag(f.rateLimit, 'rate-limit') } : {}),
          ...(f.monthlyQuota !== undefined ? { monthlyQuota: intFlag(f.monthlyQuota, 'monthly-quota') } : {}),
          ...(f.expiresAt !== undefined ? { expiresAt: f.expiresAt } : {}),
          ...(f.user !== undefined ? { user: f.user } : {}),
          ...(f.agent !== undefined ? { agent: f.agent } : {}),
          ...(f.pin ? { pinned: true } : {}),
        });
        await warnOtherTenants(keys, created.record.tenant);
        if (f.json) {
          printObject(created, true);
          return;
        }
        process.stdout.write(
          `key: ${created.key}\n(store it now: it is not shown again; only its hash is kept)\n\n`,
        );
        printObject(row(created.record), false);
      });
    });

  storeFlags(keys.command('list'))
    .description('list keys (never the keys themselves)')
    .option('--tenant <id>', 'only this tenant')
    .action(async (f: KeyFlags) => {
      await withKeys(f, async (keys) => {
        const list = await keys.list(f.tenant !== undefined ? { tenant: f.tenant } : {});
        printRows(f.json ? (list as unknown as Record<string, unknown>[]) : list.map(row), f.json);
      });
    });

  for (const [name, about] of [
    ['revoke', 'revoke a key for good'],
    ['disable', 'disable a key (it can be enabled again)'],
    ['enable', 'enable a disabled key'],
  ] as const) {
    storeFlags(keys.command(`${name} <id>`))
      .description(about)
      .action(async (id: string, f: KeyFlags) => {
        await withKeys(f, async (k) => {
          const r =
            name === 'revoke'
              ? await k.revoke({ id })
              : await k.setEnabled({ id, enabled: name === 'enable' });
          printObject(f.json ? r : row(r), f.json);
        });
      });
  }
}
