/**
 * The email adapter through the real build: the golden body for the shipped role, the seed text word
 * for word, the 72-column rule, which roles get email, list resolution and its diagnostics.
 */
import { jobPages } from '../adapters/google/urls';
import { collectBytes } from '../src/artifact-body';
import { renderAll } from '../src/adapter';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { email, emailOptions, roleEmail, type EmailOptions } from '../adapters/email';
import { renderContext } from '../src/pipeline/context';
import { buildProject, type BuildResult } from '../src/pipeline/build';
import { validateProject } from '../src/pipeline/validate';
import { textTemplate } from '../src/compose/text-template';
import { MINIMAL_POSTING, REPO, SHIPPED_POSTING_TEXT, seedPieces, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-11-28T12:00:00Z');
const GOLDEN = path.join(REPO, 'tests', 'golden', 'email');
const ID = 'ml-infrastructure-engineer';

const codePoints = (s: string) => [...s].length;

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The body rules every email.txt must meet, as a list of problems (empty when fine). */
function textProblems(txt: string): string[] {
  const problems: string[] = [];
  if (txt.includes('\r')) problems.push('has a CR');
  if (!txt.endsWith('\n') || txt.endsWith('\n\n')) problems.push('does not end in exactly one newline');
  if (/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(txt)) problems.push('has a control character');
  for (const [i, line] of txt.replace(/\n$/, '').split('\n').entries()) {
    if (/\s$/u.test(line)) problems.push(`line ${i + 1} ends in whitespace: ${JSON.stringify(line)}`);
    // Past 72 only as a prefix (bullet, label, indent) and one word that has no space to break at.
    const rest = line.replace(/^(?:- |(?:Location|Salary|Employment|Department|Apply by|Reference|Industry|Occupation): +| +)/, '');
    if (codePoints(line) > 72 && / /.test(rest)) problems.push(`line ${i + 1} is ${codePoints(line)} code points: ${JSON.stringify(line)}`);
  }
  return problems;
}

let project: TempProject;
afterEach(() => project?.cleanup());

async function build(postings: Record<string, string>, now = NOW): Promise<BuildResult> {
  project = tempProject(postings);
  return buildProject(await project.open(), { now });
}
const read = (rel: string) => readFileSync(path.join(project.outDir, rel));

describe('email.txt for the shipped role', () => {
  it('matches the reviewed golden files (UPDATE_GOLDEN=1 rewrites them)', async () => {
    await build({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
    const txt = read(`jobs/${ID}/email.txt`);
    const eml = read(`jobs/${ID}/email.eml`);
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(path.join(GOLDEN, 'email.txt'), txt);
      writeFileSync(path.join(GOLDEN, 'email.eml'), eml);
      // Review by eye: the ruler marks column 72.
      console.log(`${'.'.repeat(72)}|\n${txt.toString('utf8')}`);
    }
    expect(txt.toString('utf8')).toBe(readFileSync(path.join(GOLDEN, 'email.txt'), 'utf8'));
    expect(eml.equals(readFileSync(path.join(GOLDEN, 'email.eml')))).toBe(true);
  });

  it('meets the body rules: 72 columns, no trailing spaces, LF, no controls', async () => {
    await build({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
    expect(textProblems(read(`jobs/${ID}/email.txt`).toString('utf8'))).toEqual([]);
  });

  it("carries the seed role's opening paragraph and every bullet word for word", async () => {
    await build({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
    const body = collapse(read(`jobs/${ID}/email.txt`).toString('utf8'));
    const { opening, bullets } = seedPieces();
    expect(body).toContain(collapse(opening));
    expect(bullets.length).toBeGreaterThan(30);
    // Each bullet as its own item: "- " then the text, then the next item or the end of its list.
    for (const b of bullets) expect(body).toContain(`- ${collapse(b)} `);
    // Each heading and lead-in as typed, in the source's order.
    const { lines } = seedPieces();
    let from = 0;
    for (const l of lines) {
      const at = body.indexOf(collapse(l), from);
      expect({ line: l, found: at >= 0 }).toEqual({ line: l, found: true });
      from = at;
    }
  });

  it('has the facts, the tracked apply link, the page link and the unsubscribe footer', async () => {
    await build({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
    const lines = read(`jobs/${ID}/email.txt`).toString('utf8').split('\n');
    expect(lines.slice(0, 2)).toEqual(['ML Infrastructure Engineer', 'Example Corp']);
    expect(lines).toContain('Location:    Remote — applicants in United States');
    expect(lines).toContain('Employment:  Full-time');
    expect(lines).toContain('Skills');
    // URLs stand alone on their lines, whole, whatever their length.
    // Through the site's counting redirect (tracking.redirect in the shipped config), which adds the source.
    expect(lines).toContain('http://localhost:3000/apply/ml-infrastructure-engineer/email');
    expect(lines).toContain('http://localhost:3000/jobs/ml-infrastructure-engineer/');
    expect(lines).toContain('https://lists.example.com/unsubscribe/engineering-referrals');
    expect(lines).toContain('engineering-referrals@lists.example.com');
  });

  it("states every fact the job page shows, in the page's words", async () => {
    const text = SHIPPED_POSTING_TEXT.replace('experienceInPlaceOfEducation: false', 'experienceInPlaceOfEducation: true');
    expect(text).not.toBe(SHIPPED_POSTING_TEXT);
    await build({ [`${ID}.yaml`]: text });
    const body = collapse(read(`jobs/${ID}/email.txt`).toString('utf8'));
    const page = collapse(
      read(`jobs/${ID}/index.html`)
        .toString('utf8')
        .replace(/<[^>]+>/g, ' '),
    );
    for (const fact of [
      'Remote — applicants in United States',
      'postgraduate degree',
      'at least 60 months (5 years)',
      'relevant experience is accepted in place of the education requirement',
      'Software Development',
      '15-1252.00',
      'O*NET-SOC',
    ]) {
      expect(body).toContain(fact);
      expect(page).toContain(fact);
    }
    expect(body).toContain('- Education: postgraduate degree - Experience: at least 60 months (5 years) - Instead of education: relevant experience');
  });
});

describe('which roles get email', () => {
  it('only open roles get an email; closed and expired ones answer 410 at its URLs; drafts and scheduled have none', async () => {
    const result = await build({
      'open-role.yaml': MINIMAL_POSTING,
      'draft-role.yaml': MINIMAL_POSTING.replace('status: open', 'status: draft'),
      'future-role.yaml': MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2026-12-15'),
      'closed-role.yaml': MINIMAL_POSTING.replace('status: open', 'status: closed'),
      'expired-role.yaml': MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2026-11-01\nvalidThrough: 2026-11-27'),
    });
    const states = Object.fromEntries(result.validation.entries.map((e) => [e.id, e.state]));
    expect(states).toEqual({ 'open-role': 'open', 'draft-role': 'draft', 'future-role': 'scheduled', 'closed-role': 'closed', 'expired-role': 'expired' });
    const emailFiles = Object.entries(result.manifest.artifacts)
      .filter(([, a]) => a.channel === 'email')
      .map(([p, a]) => [p, a.contentType, a.status]);
    expect(emailFiles).toEqual([
      ['jobs/closed-role/email.eml', 'text/plain; charset=utf-8', 410],
      ['jobs/closed-role/email.txt', 'text/plain; charset=utf-8', 410],
      ['jobs/expired-role/email.eml', 'text/plain; charset=utf-8', 410],
      ['jobs/expired-role/email.txt', 'text/plain; charset=utf-8', 410],
      ['jobs/open-role/email.eml', 'message/rfc822; charset=utf-8', 200],
      ['jobs/open-role/email.txt', 'text/plain; charset=utf-8', 200],
    ]);
  });
});

describe('lists', () => {
  it('warns (does not fail) when a role names a list the config lacks, and uses its first configured list', async () => {
    const posting = MINIMAL_POSTING + 'channels:\n  email: { lists: [nope, engineering-referrals] }\n';
    const result = await build({ 'backend-engineer.yaml': posting });
    const d = result.diagnostics.filter((x) => x.code === 'EMAIL_UNKNOWN_LIST');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      severity: 'warning',
      channel: 'email',
      posting: 'backend-engineer',
      field: 'channels.email.lists.0',
      line: 15,
      fix: expect.stringContaining('engineering-referrals'),
    });
    expect(read('jobs/backend-engineer/email.eml').toString()).toMatch(/^To: engineering-referrals@lists\.example\.com\r$/m);
  });

  it('rejects a posting whose email options are misspelt (strict posting schema)', async () => {
    const posting = MINIMAL_POSTING + 'channels:\n  email: { list: [engineering-referrals] }\n';
    const result = await build({ 'backend-engineer.yaml': posting });
    expect(result.broken).toMatchObject([{ id: 'backend-engineer', kept: false, error: { code: 'JC_FIELD_UNKNOWN', field: 'channels.email.list' } }]);
    expect(Object.keys(result.manifest.artifacts).filter((p) => p.startsWith('jobs/backend-engineer/'))).toEqual([]);
  });

  it('without any list addresses the .eml to the sender, with a footer that names who to write to and no List-Unsubscribe', async () => {
    project = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
    const p = await project.open();
    const { entries } = await validateProject(p, { now: NOW });
    const site = { ...p.config, channels: { ...p.config.channels, email: emailOptions.parse({}) } };
    const m = roleEmail(entries[0]!, renderContext(email, site, NOW, { pages: jobPages }), undefined);
    expect(m.list).toBeUndefined();
    expect(m.spec.to).toBe('jobs@example.com');
    expect(m.spec.unsubscribe).toBeUndefined();
    expect(m.text).toMatch(/To stop receiving them, write to:\njobs@example\.com\n$/);
    expect(textProblems(m.text)).toEqual([]);
  });

  it('addresses a role that names no list to defaultList, and validates that defaultList exists', async () => {
    project = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
    const p = await project.open();
    const { entries } = await validateProject(p, { now: NOW });
    const options: EmailOptions = emailOptions.parse({
      from: 'talent@example.org',
      defaultList: 'all',
      lists: { all: { address: 'all@lists.example.org', unsubscribe: { mailto: 'all-leave@lists.example.org' } } },
    });
    const ctx = renderContext(email, { ...p.config, channels: { ...p.config.channels, email: options } }, NOW, { pages: jobPages });
    const [txt, eml] = renderAll(email, entries, ctx).artifacts;
    expect(txt!.body).toMatch(/To unsubscribe, send an email with the subject "unsubscribe" to:\nall-leave@lists\.example\.org\n$/);
    const raw = (await collectBytes(eml!.body)).toString();
    expect(raw).toMatch(/^To: all@lists\.example\.org\r$/m);
    expect(raw).toMatch(/^From: Example Corp <talent@example\.org>\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <mailto:all-leave@lists\.example\.org\?subject=unsubscribe>\r$/m);
    // One-click needs an https target, so a mailto-only list gets no List-Unsubscribe-Post.
    expect(raw).not.toMatch(/List-Unsubscribe-Post/i);

    const bad = emailOptions.safeParse({ defaultList: 'missing', lists: { all: { address: 'all@lists.example.org' } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['defaultList'], message: expect.stringContaining('"missing"') });
    expect(emailOptions.safeParse({ lists: { 'Bad Name': { address: 'x@example.org' } } }).success).toBe(false);
    expect(emailOptions.safeParse({ lists: { a: { address: 'x@example.org', unsubscribe: { url: 'http://insecure.example.org/u' } } } }).success).toBe(false);
    expect(emailOptions.safeParse({ smtpUrlEnv: 'smtp://user:secret@host' }).success).toBe(false);
  });

  it('shows salary, on-site location, closing date and an apply email when the role has them', async () => {
    const posting = MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2026-11-01\nvalidThrough: 2027-01-31').replace(
      '  url: https://careers.example.com/jobs/backend-engineer/apply',
      '  url: https://careers.example.com/jobs/backend-engineer/apply\n  email: apply@example.com',
    );
    await build({ 'backend-engineer.yaml': posting });
    const txt = read('jobs/backend-engineer/email.txt').toString('utf8');
    expect(txt).toContain('\nLocation:    Berlin, Germany\nSalary:      €70,000 - €90,000 per year\nEmployment:  Full-time\nApply by:    2027-01-31\n');
    expect(txt).toContain('\nOr apply by email:\napply@example.com\n');
    expect(textProblems(txt)).toEqual([]);
  });
});

describe('the text template', () => {
  it('is strict: a missing field is an error, not a blank', () => {
    const render = textTemplate('email.txt.hbs');
    expect(() => render({ title: 'x' })).toThrow();
    expect(() => render({ title: 'x', t: {} })).toThrow(/not defined/);
  });
});
