/**
 * The machine saying no is a clear error, never "a bug in jobcast": a port in use, an output or state
 * path under /proc or /sys, a file where a folder should be, a full device. Each runs the real CLI as
 * a child: exit 1, one line naming the port or path with a code, no stack trace, and the process ends.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO, tempProject, type TempProject } from './helpers/project';

let tp: TempProject;
beforeEach(() => {
  tp = tempProject();
});
afterEach(() => tp.cleanup());

/** Run `jobcast args…` to its end (a deadline kills it: a hang is a failure too). */
function jobcast(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string; stdout: string; hung: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), ...args, '--config', tp.configFile], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    let hung = false;
    const deadline = setTimeout(() => ((hung = true), child.kill('SIGKILL')), 20_000);
    child.on('exit', (code) => (clearTimeout(deadline), resolve({ code, stderr, stdout, hung })));
  });
}

function expectOneLine(run: Awaited<ReturnType<typeof jobcast>>, pattern: RegExp) {
  expect(run.hung).toBe(false);
  expect(run.code).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/bug in jobcast|\n\s+at /);
}

describe('environment mistakes', () => {
  it('names a port in use and the flag that changes it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = await jobcast(['serve', '--port', String(port)], { HOST: '127.0.0.1' });
      expectOneLine(
        run,
        new RegExp(
          `^jobcast: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use by another program \\(EADDRINUSE\\); stop it, or choose another port with --port N or PORT=N \\[JC_SERVE_PORT\\]$`,
        ),
      );
    } finally {
      blocker.close();
    }
  });

  it.each([
    [
      'an output folder under /proc',
      ['build', '--out', '/proc/jobcast-nope'],
      /^jobcast: cannot create the output folder \/proc\/\.jobcast-nope\.generations: .* \(ENOENT\) \[JC_ENVIRONMENT\]$/,
    ],
    [
      'a state folder under /proc',
      ['build', '--state', '/proc/jobcast-nope/state.db'],
      /^jobcast: cannot create the state folder \/proc\/jobcast-nope: .* \(ENOENT\) \[JC_ENVIRONMENT\]$/,
    ],
    [
      'an output folder on a read-only file system',
      ['build', '--out', '/sys/kernel/jobcast-nope'],
      /^jobcast: cannot create the output folder \/sys\/kernel\/\.jobcast-nope\.generations: .* \((EROFS|EPERM|EACCES)\) \[JC_ENVIRONMENT\]$/,
    ],
    [
      'an output folder inside a file',
      ['build', '--out', '/etc/hostname/out'],
      /^jobcast: cannot use the output folder \/etc\/hostname\/\.out\.generations: a part of the path is a file, not a folder \(ENOTDIR\) \[JC_ENVIRONMENT\]$/,
    ],
    [
      'a state database on a full device',
      ['publish', '--state', '/dev/full'],
      /^jobcast: cannot open the state database \/dev\/full: database or disk is full .*\[JC_STATE_OPEN\]$/,
    ],
  ])('says so for %s, and ends', async (_what, args, pattern) => {
    expectOneLine(await jobcast(args), pattern);
  });
});
