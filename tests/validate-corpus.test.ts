/**
 * The bad-input corpus: every model rule and every YAML failure, each asserting the exit code, the
 * exact line:col and the field path of the first error.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempProject, type TempProject } from './helpers/project';
import { validateJson } from './helpers/cli';

const FIXTURES = path.join(__dirname, 'fixtures', 'invalid');

interface Expect {
  line: number;
  col: number;
  field: string;
  code: string;
  fix?: RegExp;
}

const CORPUS: Record<string, Expect> = {
  'unknown-key-typo': { line: 4, col: 1, field: 'valid_through', code: 'JC_FIELD_UNKNOWN', fix: /did you mean validThrough\?/ },
  'enum-status': { line: 2, col: 9, field: 'status', code: 'JC_FIELD_ENUM', fix: /did you mean open\?/ },
  'enum-employment-type': { line: 4, col: 18, field: 'employmentType.0', code: 'JC_FIELD_ENUM', fix: /FULL_TIME/ },
  'employment-type-not-list': { line: 4, col: 17, field: 'employmentType', code: 'JC_FIELD_TYPE', fix: /\[FULL_TIME\]/ },
  'enum-workplace': { line: 5, col: 12, field: 'workplace', code: 'JC_FIELD_ENUM' },
  'impossible-date': { line: 3, col: 13, field: 'datePosted', code: 'JC_FIELD_DATE' },
  'impossible-month': { line: 4, col: 15, field: 'validThrough', code: 'JC_FIELD_DATE' },
  'datetime-without-offset': { line: 4, col: 15, field: 'validThrough', code: 'JC_FIELD_DATE' },
  'date-wrong-format': { line: 3, col: 13, field: 'datePosted', code: 'JC_FIELD_DATE' },
  'valid-through-before-posted': { line: 4, col: 15, field: 'validThrough', code: 'JC_RULE_DATES' },
  'remote-without-countries': { line: 5, col: 12, field: 'applicantLocations', code: 'JC_RULE_REMOTE_COUNTRIES' },
  'onsite-without-locations': { line: 5, col: 12, field: 'locations', code: 'JC_RULE_LOCATIONS_REQUIRED' },
  'inverted-salary': { line: 11, col: 44, field: 'salary.max', code: 'JC_RULE_SALARY_RANGE' },
  'salary-value-and-range': { line: 11, col: 33, field: 'salary.value', code: 'JC_RULE_SALARY_SHAPE' },
  'salary-missing-max': { line: 11, col: 9, field: 'salary', code: 'JC_RULE_SALARY_SHAPE' },
  'salary-negative': { line: 11, col: 31, field: 'salary.min', code: 'JC_FIELD_RANGE' },
  'salary-unit': { line: 11, col: 58, field: 'salary.unit', code: 'JC_FIELD_ENUM' },
  'currency-lowercase': { line: 11, col: 21, field: 'salary.currency', code: 'JC_FIELD_CURRENCY', fix: /write USD/ },
  'currency-unknown': { line: 11, col: 21, field: 'salary.currency', code: 'JC_FIELD_CURRENCY' },
  'country-alpha3': { line: 10, col: 14, field: 'locations.0.country', code: 'JC_FIELD_COUNTRY', fix: /write US/ },
  'country-unknown': { line: 10, col: 14, field: 'locations.0.country', code: 'JC_FIELD_COUNTRY' },
  'postal-code-number': { line: 9, col: 17, field: 'locations.0.postalCode', code: 'JC_FIELD_TYPE', fix: /quotes/ },
  'apply-url-http': { line: 16, col: 8, field: 'apply.url', code: 'JC_FIELD_URL', fix: /https:\/\/careers/ },
  'apply-url-javascript': { line: 16, col: 8, field: 'apply.url', code: 'JC_FIELD_URL' },
  'apply-url-credentials': { line: 16, col: 8, field: 'apply.url', code: 'JC_FIELD_URL' },
  'apply-email': { line: 17, col: 10, field: 'apply.email', code: 'JC_FIELD_EMAIL' },
  'missing-apply': { line: 1, col: 1, field: 'apply', code: 'JC_FIELD_REQUIRED' },
  'missing-apply-url': { line: 15, col: 1, field: 'apply.url', code: 'JC_FIELD_REQUIRED', fix: /^add url: https:\/\/careers\.example\.com\// },
  'missing-title': { line: 1, col: 1, field: 'title', code: 'JC_FIELD_REQUIRED', fix: /^add title: ML Infrastructure Engineer$/ },
  // A missing enum is "required", not "must be one of …; got nothing", and the fix names a value.
  'missing-workplace': { line: 1, col: 1, field: 'workplace', code: 'JC_FIELD_REQUIRED', fix: /^add workplace: onsite$/ },
  'title-too-long': { line: 1, col: 8, field: 'title', code: 'JC_FIELD_LENGTH' },
  'experience-in-place-without-both': { line: 11, col: 31, field: 'education', code: 'JC_RULE_EXPERIENCE_IN_PLACE' },
  'experience-not-number': { line: 6, col: 23, field: 'experience.months', code: 'JC_FIELD_TYPE' },
  'unknown-channel': { line: 14, col: 13, field: 'channels.exclude.0', code: 'JC_RULE_UNKNOWN_CHANNEL' },
  'empty-list-item': { line: 15, col: 5, field: 'responsibilities.1', code: 'JC_FIELD_TYPE' },
  // A list with its own heading and lead-in: each part checked where it is written.
  'section-heading-two-lines': { line: 14, col: 12, field: 'responsibilities.heading', code: 'JC_FIELD_TEXT' },
  'section-unknown-key': { line: 14, col: 3, field: 'responsibilities.title', code: 'JC_FIELD_UNKNOWN' },
  'section-empty-items': { line: 15, col: 10, field: 'responsibilities.items', code: 'JC_FIELD_LENGTH' },
  // Pay per location or per applicant country: every salary's rules, placed at its own entry.
  'location-salary-inverted': { line: 13, col: 48, field: 'locations.1.salary.max', code: 'JC_RULE_SALARY_RANGE' },
  'location-salary-currency': { line: 10, col: 25, field: 'locations.0.salary.currency', code: 'JC_FIELD_CURRENCY', fix: /write CAD/ },
  'location-salary-half-range': { line: 11, col: 7, field: 'locations.0.salary', code: 'JC_RULE_SALARY_SHAPE', fix: /add max/ },
  'remote-location-salary': { line: 11, col: 13, field: 'locations.0.salary', code: 'JC_RULE_PAY_PLACE', fix: /salaryByCountry: \{ US:/ },
  'salary-by-country-not-applicant': { line: 9, col: 7, field: 'salaryByCountry.DE', code: 'JC_RULE_PAY_PLACE', fix: /add DE to applicantLocations/ },
  'salary-by-country-onsite': { line: 11, col: 3, field: 'salaryByCountry', code: 'JC_RULE_PAY_PLACE' },
  'salary-by-country-alpha3': { line: 8, col: 3, field: 'salaryByCountry.USA', code: 'JC_FIELD_COUNTRY', fix: /write US/ },
  // Translations: the tags, the rules between the file and its translations, each translated field.
  'translation-tag-case': { line: 15, col: 3, field: 'translations.FR', code: 'JC_FIELD_LANGUAGE', fix: /write fr/ },
  'translation-without-language': { line: 14, col: 3, field: 'language', code: 'JC_RULE_TRANSLATION', fix: /language: en/ },
  'translation-own-language': { line: 16, col: 5, field: 'translations.en', code: 'JC_RULE_TRANSLATION' },
  'translation-extra-list': { line: 17, col: 15, field: 'translations.fr.benefits', code: 'JC_RULE_TRANSLATION', fix: /add benefits to the original/ },
  'translation-title-two-lines': { line: 16, col: 12, field: 'translations.fr.title', code: 'JC_FIELD_TEXT' },
  'translation-unknown-key': { line: 17, col: 5, field: 'translations.fr.salary', code: 'JC_FIELD_UNKNOWN' },
  'language-not-a-tag': { line: 13, col: 11, field: 'language', code: 'JC_FIELD_LANGUAGE', fix: /e\.g\. en/ },
  'duplicate-employment-type': { line: 4, col: 29, field: 'employmentType.1', code: 'JC_FIELD_DUPLICATE_ITEM' },
  'yaml-bad-indent': { line: 9, col: 1, field: '', code: 'JC_YAML_SYNTAX' },
  'yaml-unclosed-quote': { line: 12, col: 10, field: '', code: 'JC_YAML_SYNTAX' },
  // An unclosed [ or { is pointed at where it opens (yaml reports the next line), with what to add.
  'yaml-unclosed-list': { line: 4, col: 17, field: '', code: 'JC_YAML_SYNTAX', fix: /close the list that starts here with \]/ },
  'yaml-unclosed-map': { line: 11, col: 9, field: '', code: 'JC_YAML_SYNTAX', fix: /close the map that starts here with \}/ },
  'yaml-duplicate-key': { line: 3, col: 1, field: 'status', code: 'JC_YAML_DUPLICATE_KEY' },
  'yaml-list-not-map': { line: 1, col: 1, field: '', code: 'JC_YAML_NOT_MAP' },
};

let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

const validate = () => validateJson(['--config', project.configFile, '--postings', project.postingsDir]);

describe('bad-input corpus', () => {
  it('covers every fixture file', () => {
    const files = readdirSync(FIXTURES)
      .map((f: string) => f.replace(/\.yaml$/, ''))
      .sort();
    expect(files).toEqual(Object.keys(CORPUS).sort());
  });

  it.each(Object.entries(CORPUS))('%s', async (name, want) => {
    project.write('data-engineer.yaml', readFileSync(path.join(FIXTURES, `${name}.yaml`), 'utf8'));
    const { code, diagnostics } = await validate();
    expect(code).toBe(1);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors.find((d) => d.code === want.code);
    expect(first).toBeDefined();
    expect(first).toMatchObject({ file: expect.stringMatching(/data-engineer\.yaml$/), line: want.line, col: want.col, code: want.code });
    if (want.field) expect(first!.field).toBe(want.field);
    if (want.fix) expect(first!.fix).toMatch(want.fix);
    expect(first!.message.length).toBeGreaterThan(5);
  });
});

describe('ranges and docs links', () => {
  it('a field problem carries the range of its value and a link to its code in docs/errors.md', async () => {
    project.write('data-engineer.yaml', readFileSync(path.join(FIXTURES, 'enum-status.yaml'), 'utf8'));
    const { diagnostics } = await validate();
    const d = diagnostics.find((x) => x.code === 'JC_FIELD_ENUM')!;
    // `status: opne`: the value starts at 2:9 and ends before 2:13.
    expect(d).toMatchObject({ line: 2, col: 9, endLine: 2, endCol: 13, docs: 'docs/errors.md#jc_field_enum' });
  });
});

describe('file-level failures', () => {
  const valid = readFileSync(path.join(FIXTURES, 'enum-status.yaml'), 'utf8').replace('status: opne', 'status: open');

  it('accepts the corpus base file (so each fixture fails for its one defect)', async () => {
    project.write('data-engineer.yaml', valid);
    const { code, diagnostics } = await validate();
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });

  async function only(name: string, bytes: Buffer | string) {
    writeFileSync(path.join(project.postingsDir, name), bytes);
    const { code, diagnostics } = await validate();
    return { code, errors: diagnostics.filter((d) => d.severity === 'error') };
  }

  it('rejects a byte order mark', async () => {
    const { code, errors } = await only('data-engineer.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]));
    expect(code).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'JC_FILE_BOM', line: 1, col: 1 });
  });

  it('rejects invalid UTF-8 at the exact byte', async () => {
    const latin1 = Buffer.from(valid.replace('Build pipelines', 'Build pipelines für Daten'), 'latin1');
    const { code, errors } = await only('data-engineer.yaml', latin1);
    expect(code).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'JC_FILE_ENCODING', line: 14, col: 22 });
  });

  it('rejects a file over 1 MiB', async () => {
    const { code, errors } = await only('data-engineer.yaml', valid + '# ' + 'x'.repeat(1024 * 1024) + '\n');
    expect(code).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'JC_FILE_TOO_LARGE' });
  });

  it.each([
    ['empty', ''],
    ['only comments', '# nothing here\n\n'],
  ])('rejects an %s file', async (_label, text) => {
    const { code, errors } = await only('data-engineer.yaml', text);
    expect(code).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'JC_FILE_EMPTY', line: 1, col: 1 });
  });

  it('rejects a file name that is not a valid id and suggests one', async () => {
    const { code, errors } = await only('Data Engineer (Berlin).yaml', valid);
    expect(code).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'JC_FILE_NAME', line: 1, col: 1, field: '(file name)' });
    expect(errors[0]!.fix).toContain('data-engineer-berlin.yaml');
  });

  it('rejects an id longer than 40 characters', async () => {
    const { errors } = await only(`${'a'.repeat(41)}.yaml`, valid);
    expect(errors[0]).toMatchObject({ code: 'JC_FILE_NAME' });
    expect(errors[0]!.message).toContain('40');
  });

  it('never suggests a title with tags in it, while another rule says to remove them', async () => {
    writeFileSync(path.join(project.postingsDir, 'data-engineer.yaml'), valid.replace('title: Data Engineer', 'title: <b>Data Engineer</b> - Remote'));
    const { diagnostics } = await validate();
    expect(diagnostics.find((d) => d.code === 'JC_WARN_TITLE_HTML')!.fix).toBe('remove the tags');
    const suggestions = diagnostics.filter((d) => d.code.endsWith('_TITLE_DECORATED')).map((d) => d.fix);
    expect(suggestions.length).toBeGreaterThan(2);
    for (const fix of suggestions) expect(fix).toMatch(/^write title: Data Engineer($| \()/);
  });

  it.each([
    ['URGENT ML Engineer - $200k', 'ML Engineer'],
    ['Urgently hiring: Data Engineer!', 'Data Engineer'],
    ['Full-time Nurse (Night shift)', 'Nurse'],
    ['Apply now! Barista', 'Barista'],
  ])('suggests a title that is itself clean: %s → %s', async (title, clean) => {
    writeFileSync(path.join(project.postingsDir, 'data-engineer.yaml'), valid.replace('title: Data Engineer', `title: "${title}"`));
    const { diagnostics } = await validate();
    const fixes = diagnostics.filter((d) => d.code.endsWith('_TITLE_DECORATED') && d.fix?.startsWith('write title:')).map((d) => d.fix);
    expect(fixes.length).toBeGreaterThan(2);
    for (const fix of fixes) expect(fix).toMatch(new RegExp(`^write title: ${clean}($| \\()`));
  });

  it('warns once about a .yml file, and about any other file that is not a posting, without failing', async () => {
    writeFileSync(path.join(project.postingsDir, 'README.md'), '# Our postings\n');
    writeFileSync(path.join(project.postingsDir, 'data-engineer.yml'), valid);
    const { code, diagnostics } = await validate();
    expect(code).toBe(0);
    const yml = diagnostics.filter((d) => d.file?.endsWith('data-engineer.yml'));
    const readme = diagnostics.filter((d) => d.file?.endsWith('README.md'));
    expect(yml.map((d) => [d.code, d.severity])).toEqual([['JC_FILE_EXTENSION', 'warning']]);
    expect(yml[0]!.fix).toContain('data-engineer.yaml');
    expect(readme.map((d) => [d.code, d.severity])).toEqual([['JC_FILE_IGNORED', 'warning']]);
  });

  it('rejects tabs used for indentation', async () => {
    const { code, errors } = await only('data-engineer.yaml', valid.replace('  - locality: Denver', '\t- locality: Denver'));
    expect(code).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'JC_YAML_SYNTAX', line: 7 });
  });

  it('stops an alias bomb instead of expanding it', async () => {
    const bomb = `${valid}skills: &a [x, x, x, x, x, x, x, x, x, x]\nindustry: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\ndepartment: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`;
    const { code, errors } = await only('data-engineer.yaml', bomb);
    expect(code).toBe(1);
    expect(errors[0]!.code).toMatch(/JC_YAML_ALIAS|JC_FIELD_TYPE/);
  });

  it('reports duplicate references across files on both files', async () => {
    project.write('role-a.yaml', valid.replace('status: open', 'status: open\nreference: REQ-1'));
    project.write('role-b.yaml', valid.replace('status: open', 'status: open\nreference: REQ-1'));
    const { code, diagnostics } = await validate();
    expect(code).toBe(1);
    const dups = diagnostics.filter((d) => d.code === 'JC_RULE_DUPLICATE_REFERENCE');
    expect(dups.map((d) => path.basename(d.file!)).sort()).toEqual(['role-a.yaml', 'role-b.yaml']);
    for (const d of dups) expect(d).toMatchObject({ line: 3, col: 12, field: 'reference' });
  });

  it('reports every problem of every file in one run', async () => {
    project.write(
      'a.yaml',
      valid.replace('status: open', 'status: opne').replace('currency: USD', 'currency: usd').replace('min: 120000, max: 150000', 'min: 150000, max: 120000'),
    );
    project.write('b.yaml', valid.replace('datePosted: 2026-11-01', 'datePosted: 2026-02-30\nvalid_through: 2027-01-01'));
    project.write('c.yaml', 'title: [unclosed\n');
    const { code, diagnostics } = await validate();
    expect(code).toBe(1);
    const byFile = (f: string) =>
      diagnostics
        .filter((d) => d.severity === 'error' && d.file!.endsWith(f))
        .map((d) => d.code)
        .sort();
    expect(byFile('a.yaml')).toEqual(['JC_FIELD_CURRENCY', 'JC_FIELD_ENUM', 'JC_RULE_SALARY_RANGE']);
    expect(byFile('b.yaml')).toEqual(['JC_FIELD_DATE', 'JC_FIELD_UNKNOWN']);
    expect(byFile('c.yaml')).toEqual(['JC_YAML_SYNTAX']);
  });
});
