/** The command line as users and CI meet it: exit codes, formats, annotations, no stack traces. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { adapters } from '../adapters';
import { main } from '../src/cli/main';
import { defineAdapter } from '../src/adapter';
import { postingFileSchema, SCHEMA_FILE } from '../src/docs/posting-schema';
import { runCli } from './helpers/cli';
import { MINIMAL_POSTING, REPO, SHIPPED_POSTING_TEXT, seedPieces, tempProject, type TempProject } from './helpers/project';

let project: TempProject;
beforeEach(() => {
  project = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
});
afterEach(() => project.cleanup());
const flags = () => ['--config', project.configFile, '--postings', project.postingsDir];

describe('jobcast validate', () => {
  it('runs as `npx jobcast validate` in the repository and passes the shipped posting with its warnings', () => {
    const run = spawnSync('npx', ['jobcast', 'validate'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^postings\/ml-infrastructure-engineer\.yaml:\d+:\d+ salary: warning: no salary/m);
    expect(run.stdout).toContain('✔ 1 valid posting');
  });

  it('works from another directory with absolute paths', () => {
    const out = execFileSync(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), 'validate', ...flags()], { cwd: '/', encoding: 'utf8' });
    expect(out).toContain('✔ 1 valid posting');
  });

  it('exits 1 with file:line:col field: message for a bad posting', async () => {
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: opne'));
    const run = await runCli(['validate', ...flags()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /backend-engineer\.yaml:2:9 status: error: must be one of draft, open, closed; got the text "opne" \[JC_FIELD_ENUM\]\n {4}fix: did you mean open\?/,
    );
  });

  it('prints machine-readable JSON with --format json', async () => {
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('currency: EUR', 'currency: eur'));
    const run = await runCli(['validate', '--format', 'json', ...flags()]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ ok: false, errors: 1 });
    expect(json.diagnostics[0]).toMatchObject({ code: 'JC_FIELD_CURRENCY', field: 'salary.currency', line: 8, col: 21, severity: 'error', fix: 'write EUR' });
  });

  it('adds GitHub Actions annotations when GITHUB_ACTIONS=true', async () => {
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: opne'));
    const run = await runCli(['validate', ...flags()], { GITHUB_ACTIONS: 'true' });
    const line = run.stdout.split('\n').find((l) => l.startsWith('::error '));
    expect(line).toMatch(/^::error file=[^,]*backend-engineer\.yaml,line=2,col=9,endLine=2,endColumn=13,title=JC_FIELD_ENUM::status: must be one of/);
  });

  it('keeps stdout valid JSON with --format json under GitHub Actions', async () => {
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: opne'));
    const run = await runCli(['validate', '--format', 'json', ...flags()], { GITHUB_ACTIONS: 'true' });
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(run.stderr).toMatch(/^::error /m);
  });

  it('exits 2 for an unreadable or invalid config, pointing at the line', async () => {
    const missing = await runCli(['validate', '--config', path.join(project.dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no config file at .*nope\.yaml/);
    writeFileSync(project.configFile, readFileSync(project.configFile, 'utf8').replace('cron: "*/15 * * * *"', 'cron: "every day"'));
    const bad = await runCli(['validate', ...flags()]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/jobcast\.config\.yaml:\d+:\d+ schedule\.cron: error: "every day" is not a cron expression/);
    // The postings were never read: no "0 valid postings" beside a config error.
    expect(bad.stdout).toMatch(/^✖ 1 error, 0 warnings$/m);
    expect(bad.stdout).not.toContain('valid posting');
  });

  it('a secret written where the name of its environment variable belongs is JC_CONFIG_ENV, with the fix', async () => {
    const text = readFileSync(project.configFile, 'utf8');
    expect(text).toContain('smtpUrlEnv: SMTP_URL');
    writeFileSync(project.configFile, text.replace('smtpUrlEnv: SMTP_URL', 'smtpUrlEnv: smtp://user:hunter2@mail.example.com:587'));
    const bad = await runCli(['validate', ...flags()]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/:\d+:\d+ channels\.email\.smtpUrlEnv: error: must be the NAME of an environment variable .*\[JC_CONFIG_ENV\]/);
    expect(bad.stdout).toContain('fix: put the secret in an environment variable and write its name here, e.g. BOARD_SECRET');
  });

  it('exits 2 for bad usage', async () => {
    for (const argv of [['frobnicate'], ['validate', '--bogus'], ['validate', '--now', 'yesterday'], ['validate', '--format', 'xml'], ['state', 'frob']]) {
      const run = await runCli(argv);
      expect([argv, run.code]).toEqual([argv, 2]);
      expect(run.stderr.split('\n')[0]).toMatch(/^jobcast: .* \[JC_USAGE\]$/);
    }
    expect((await runCli([])).code).toBe(2);
    expect((await runCli(['--help'])).code).toBe(0);
  });

  it('prints one line and a --debug hint, never a stack trace, for an internal bug', async () => {
    const broken = defineAdapter<undefined>({
      name: 'broken',
      description: 'bug',
      render: () => {
        throw new TypeError('x is undefined');
      },
    });
    let stderr = '';
    const io = { stdout: { write: () => undefined }, stderr: { write: (s: string) => void (stderr += s) }, env: {}, adapters: [...adapters, broken] };
    const code = await main(['build', ...flags(), '--out', project.outDir], io);
    expect(code).toBe(1);
    expect(stderr).toMatch(/channel broken failed: x is undefined/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('jobcast build', () => {
  it('builds into --out and reports where', async () => {
    const run = await runCli(['build', ...flags(), '--out', project.outDir, '--now', '2026-11-28T12:00:00Z']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/built \d+ files into .*dist\//);
    expect(readFileSync(path.join(project.outDir, 'jobs', 'backend-engineer', 'posting.json'), 'utf8')).toContain('"Backend Engineer"');
  });

  it('exits 1 for an invalid posting, names it with file:line:col, and builds every other role', async () => {
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: opne'));
    project.write('other-role.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Other Engineer'));
    const run = await runCli(['build', ...flags(), '--out', project.outDir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/backend-engineer\.yaml:2:\d+ status: error: .*\[JC_FIELD_ENUM\]/);
    expect(run.stdout).toMatch(/1 source file has errors \(1 never valid, not published\); every other role was built/);
    expect(existsSync(path.join(project.outDir, 'jobs', 'other-role', 'index.html'))).toBe(true);
  });
});

describe('the shipped posting and its editor schema', () => {
  it('carries the seed role verbatim: opening paragraph as summary, every heading, lead-in and bullet', async () => {
    const posting = parse(SHIPPED_POSTING_TEXT);
    const { opening, bullets, lines } = seedPieces();
    expect(posting.summary.trim()).toBe(opening);
    const lists = [posting.responsibilities, posting.qualifications, posting.preferredQualifications, posting.benefits];
    expect(lists.flatMap((l) => l.items)).toEqual(bullets);
    expect(lists.flatMap((l) => [l.heading, l.intro])).toEqual(lines);
    expect(posting).toMatchObject({
      employmentType: ['FULL_TIME'],
      workplace: 'remote',
      applicantLocations: ['US'],
      education: { credential: 'postgraduate degree' },
      experience: { months: 60 },
    });
    expect(posting.salary).toBeUndefined();
  });

  it('starts with the yaml-language-server schema line', () => {
    expect(SHIPPED_POSTING_TEXT.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/posting.schema.json');
  });

  it('keeps schema/posting.schema.json current with the zod model (run `jobcast schema > schema/posting.schema.json`)', () => {
    const committed = JSON.parse(readFileSync(path.join(REPO, SCHEMA_FILE), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(postingFileSchema(adapters))));
  });

  it('has a schema that rejects unknown keys and wrong enums, like the loader', () => {
    const schema = postingFileSchema(adapters) as { additionalProperties?: boolean; properties: Record<string, { enum?: string[] }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.status!.enum).toEqual(['draft', 'open', 'closed']);
  });
});

describe('jobcast publish', () => {
  it('exits 1 with the state path, not a stack trace, when the state database cannot be opened', async () => {
    writeFileSync(path.join(project.dir, 'not-a-folder'), 'x');
    const run = await runCli(['publish', ...flags(), '--out', project.outDir, '--state', path.join(project.dir, 'not-a-folder', 'state.db')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot use the state folder .*not-a-folder: a part of the path is a file, not a folder \(ENOTDIR\) \[JC_ENVIRONMENT\]/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('jobcast preview', () => {
  it("prints one channel's output for one posting", async () => {
    const run = await runCli(['preview', 'backend-engineer', '--channel', 'email', ...flags()]);
    expect(run.code).toBe(0);
    const headers = run.stdout.split('\n').filter((l) => l.startsWith('==> '));
    expect(headers).toEqual([
      '==> email: /jobs/backend-engineer/email.txt (text/plain; charset=utf-8) <==',
      '==> email: /jobs/backend-engineer/email.eml (message/rfc822; charset=utf-8) <==',
    ]);
    expect(run.stdout).toContain('Backend Engineer\nExample Corp\n');
  });

  it('prints every channel without --channel, and shows a draft as it will look when open', async () => {
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: draft'));
    const run = await runCli(['preview', 'backend-engineer', ...flags()]);
    expect(run.code).toBe(0);
    const channels = new Set(
      run.stdout
        .split('\n')
        .filter((l) => l.startsWith('==> '))
        .map((l) => l.split(':')[0]!.slice(4)),
    );
    expect([...channels].sort()).toEqual(adapters.map((a) => a.name).sort());
    expect(run.stderr).toMatch(/backend-engineer is draft; shown as it will look when open/);
  });

  it('says why a channel does not carry the posting', async () => {
    project.write('backend-engineer.yaml', `${MINIMAL_POSTING}channels:\n  exclude: [adzuna]\n`);
    const run = await runCli(['preview', 'backend-engineer', '--channel', 'adzuna', ...flags()]);
    expect(run.stdout).toContain('==> adzuna: not published here (channels.exclude) <==');
  });

  it('exits 2 for an unknown posting or channel', async () => {
    const noId = await runCli(['preview', 'nope', ...flags()]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/no valid posting "nope".*backend-engineer/);
    const noChannel = await runCli(['preview', 'backend-engineer', '--channel', 'myspace', ...flags()]);
    expect(noChannel.code).toBe(2);
    expect(noChannel.stderr).toMatch(/unknown channel "myspace"; channels are: .*indeed/);
    expect((await runCli(['preview', ...flags()])).code).toBe(2);
  });

  it('exits 1 and shows the errors for an invalid posting', async () => {
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: opne'));
    const run = await runCli(['preview', 'backend-engineer', ...flags()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/backend-engineer\.yaml:2:9 status: error/);
  });
});

describe('large folders', () => {
  it('parses in worker threads (compiled CLI) with exactly the diagnostics of inline parsing', async () => {
    for (let i = 0; i < 420; i++) {
      let text = MINIMAL_POSTING.replace('Backend Engineer', `Backend Engineer ${i}`);
      if (i % 50 === 7) text = text.replace('status: open', 'status: opne');
      if (i % 70 === 3) text = text.replace('currency: EUR', 'currency: eur');
      project.write(`role-${String(i).padStart(3, '0')}.yaml`, text);
    }
    const inline = await runCli(['validate', '--format', 'json', ...flags()]);
    const compiled = spawnSync(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), 'validate', '--format', 'json', ...flags()], {
      encoding: 'utf8',
      cwd: REPO,
    });
    expect(compiled.status).toBe(1);
    expect(inline.code).toBe(1);
    const a = JSON.parse(inline.stdout);
    const b = JSON.parse(compiled.stdout);
    expect(b.diagnostics).toEqual(a.diagnostics);
    expect(b.errors).toBe(9 + 6);
  });
});
