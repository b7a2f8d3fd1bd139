/**
 * Temporal's two databases on a Postgres server, made and migrated with the server's own
 * temporal-sql-tool: create-database, setup-schema -v 0.0, then update-schema to the schemas
 * embedded in the tool (postgresql/v12/temporal and /visibility; the same files as the server
 * module's schema/ folder, so no Go module cache is needed when the tools come from *_PATH).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { PostgresTarget } from './cluster-config';

const run = promisify(execFile);

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432';

export interface ClusterDatabases {
  main: string;
  visibility: string;
}

/** `temporal` and `temporal_visibility`, after a prefix that keeps private clusters apart. */
export function databaseNames(prefix: string): ClusterDatabases {
  if (!/^[a-z0-9_]*$/.test(prefix)) {
    throw new Error(
      `databasePrefix "${prefix}" may hold only lower-case letters, digits and _ (it becomes part of a ` +
        'database name that the SQL tool and the server quote differently); e.g. "ci_1234_"',
    );
  }
  return { main: `${prefix}temporal`, visibility: `${prefix}temporal_visibility` };
}

export function postgresTarget(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`postgresUrl "${url}" is not a URL; expected e.g. ${DEFAULT_POSTGRES_URL}`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new Error(`postgresUrl "${url}" must start with postgres://, e.g. ${DEFAULT_POSTGRES_URL}`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
    adminDatabase: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
  };
}

function admin(target: PostgresTarget, database = target.adminDatabase) {
  const { host, port, user, password } = target;
  return postgres({ host, port, user, password, database, max: 1, onnotice: () => {} });
}

async function hasSchema(target: PostgresTarget, database: string): Promise<boolean> {
  const sql = admin(target, database);
  try {
    const [row] = await sql<{ found: string | null }[]>`select to_regclass('schema_version')::text as found`;
    return Boolean(row?.found);
  } finally {
    await sql.end();
  }
}

async function exists(target: PostgresTarget, database: string): Promise<boolean> {
  const sql = admin(target);
  try {
    return (await sql`select 1 from pg_database where datname = ${database}`).length > 0;
  } finally {
    await sql.end();
  }
}

async function sqlTool(
  tool: string,
  target: PostgresTarget,
  database: string,
  args: string[],
): Promise<void> {
  const global = [
    '--plugin',
    'postgres12',
    '--ep',
    target.host,
    '-p',
    String(target.port),
    '-u',
    target.user,
  ];
  try {
    // The password goes through the environment, not argv, where `ps` would show it.
    await run(tool, [...global, '--db', database, ...args], {
      env: { ...process.env, SQL_PASSWORD: target.password },
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(
      `${tool} ${args.join(' ')} on database ${database} failed: ${stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  }
}

/**
 * Creates what is missing and brings both schemas to the latest version. Existing databases are
 * kept: update-schema applies only the versions they lack. `created` lists the databases made now.
 */
export async function prepareDatabases(
  tool: string,
  target: PostgresTarget,
  databases: ClusterDatabases,
): Promise<{ created: string[] }> {
  const created: string[] = [];
  const schemas: [string, string][] = [
    [databases.main, 'postgresql/v12/temporal'],
    [databases.visibility, 'postgresql/v12/visibility'],
  ];
  for (const [database, schema] of schemas) {
    if (!(await exists(target, database))) {
      await sqlTool(tool, target, database, ['create-database']);
      created.push(database);
    }
    if (!(await hasSchema(target, database))) {
      await sqlTool(tool, target, database, ['setup-schema', '-v', '0.0']);
    }
    await sqlTool(tool, target, database, ['update-schema', '--schema-name', schema]);
  }
  return { created };
}

/** WITH (FORCE): a server that was SIGKILLed may leave connections the database would wait on. */
export async function dropDatabases(target: PostgresTarget, databases: ClusterDatabases): Promise<void> {
  const sql = admin(target);
  try {
    for (const database of [databases.main, databases.visibility]) {
      await sql.unsafe(`drop database if exists "${database}" with (force)`);
    }
  } finally {
    await sql.end();
  }
}
