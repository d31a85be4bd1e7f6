/**
 * The importer core's pure parts: an ATS's HTML description read into summary and lists by the HTML
 * parser (nothing lost), places as ATSs write them, stable posting ids, and file updates that touch
 * only the owned keys whose values changed.
 */
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { importDescription } from '../src/import/description';
import { closedPostingFile, newPostingFile, updatedPostingFile } from '../src/import/files';
import { placeFromText, remoteCountries } from '../src/import/places';
import { postingId } from '../src/import/posting';
import { ID_PATTERN } from '../src/model/posting';

describe('the description', () => {
  const HTML = `<p>We build the platform &amp; the tools&nbsp;— in Montréal.</p>
<p>Second paragraph.</p>
<h3>What you'll do</h3><p>In your first year:</p>
<ul><li>Run <strong>clusters</strong></li><li>Build pipelines</li></ul>
<p><strong>Requirements</strong></p><ul><li>5+ years of Go</li></ul>
<h3>Nice to have</h3><ul><li>Kubernetes</li></ul>
<h2>Benefits</h2><ul><li>Four weeks off</li></ul>
<h3>About the office</h3><ul><li>Dogs welcome</li></ul>
<p>We hire without regard to age.</p>`;

  test('opening paragraphs are the summary; lists under known headings keep their heading and lead-in', () => {
    const d = importDescription(HTML);
    expect(d.summary.split('\n\n').slice(0, 2)).toEqual(['We build the platform & the tools — in Montréal.', 'Second paragraph.']);
    expect(d.lists).toEqual({
      responsibilities: { heading: "What you'll do", intro: 'In your first year:', items: ['Run clusters', 'Build pipelines'] },
      qualifications: { heading: 'Requirements', items: ['5+ years of Go'] },
      preferredQualifications: { heading: 'Nice to have', items: ['Kubernetes'] },
      benefits: { heading: 'Benefits', items: ['Four weeks off'] },
    });
  });

  test('what it cannot place stays as summary paragraphs, in order', () => {
    expect(importDescription(HTML).summary.split('\n\n').slice(2)).toEqual(['About the office', 'Dogs welcome', 'We hire without regard to age.']);
  });

  test('every word of the description reaches the posting (property, random block layouts)', () => {
    const word = fc.stringMatching(/^[A-Za-zéü]{3,8}$/);
    const block = fc.oneof(
      word.map((w) => ({ html: `<p>${w}</p>`, words: [w] })),
      word.map((w) => ({ html: `<h3>${w}</h3>`, words: [w] })),
      fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ({ html: `<ul>${ws.map((w) => `<li>${w}</li>`).join('')}</ul>`, words: ws })),
      fc.constantFrom('Responsibilities', 'Benefits', 'Requirements').map((h) => ({ html: `<h2>${h}</h2>`, words: [h] })),
    );
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 12 }), (blocks) => {
        const d = importDescription(blocks.map((b) => b.html).join('\n'));
        const text = [d.summary, ...Object.values(d.lists).flatMap((l) => [l.heading ?? '', l.intro ?? '', ...l.items])].join(' ');
        for (const w of blocks.flatMap((b) => b.words)) expect(text).toContain(w);
      }),
    );
  });
});

describe('places', () => {
  test.each([
    ['New York, NY', { locality: 'New York', region: 'NY', country: 'US' }],
    ['Toronto, Ontario, Canada', { locality: 'Toronto', region: 'Ontario', country: 'CA' }],
    ['Berlin, Germany', { locality: 'Berlin', country: 'DE' }],
    ['Montréal, QC', { locality: 'Montréal', region: 'QC', country: 'CA' }],
    ['Zürich, Switzerland', { locality: 'Zürich', country: 'CH' }],
  ])('%s', (text, place) => {
    expect(placeFromText(text)).toEqual(place);
  });

  test('a city alone needs the board country; a country alone is no place', () => {
    expect(placeFromText('München')).toBeUndefined();
    expect(placeFromText('München', 'DE')).toEqual({ locality: 'München', country: 'DE' });
    expect(placeFromText('Germany')).toBeUndefined();
  });

  test('remote places name their countries', () => {
    expect(remoteCountries('Remote - US')).toEqual(['US']);
    expect(remoteCountries('Remote (Germany, Austria)')).toEqual(['DE', 'AT']);
    expect(remoteCountries('Remote')).toEqual([]);
  });
});

describe('posting ids', () => {
  test('stable, valid ids from any ATS id', () => {
    expect(postingId('gh', '4012345')).toBe('gh-4012345');
    expect(postingId('lv', '5ac21346-8e0c-4494-8e7a-3eb92ff77902')).toBe('lv-5ac21346-8e0c-4494-8e7a-3eb92ff77902');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (atsId) => {
        const id = postingId('sr', atsId);
        expect(id).toMatch(ID_PATTERN);
        expect(postingId('sr', atsId)).toBe(id);
      }),
    );
  });
});

describe('files', () => {
  const fields = {
    title: 'Platform Engineer',
    status: 'open',
    datePosted: '2026-11-01',
    employmentType: ['FULL_TIME'],
    workplace: 'onsite',
    locations: [{ locality: 'Montréal', region: 'QC', country: 'CA' }],
    summary: 'One: two.\n\nThree.',
    apply: { url: 'https://boards.example.com/apply' },
    source: { ats: 'greenhouse', board: 'acme', id: '1' },
  };

  test('a new file says what the import owns and reads back as the fields', () => {
    const text = newPostingFile(fields, 'greenhouse');
    expect(text).toMatch(/^# Imported from greenhouse by jobcast import\. The import owns: title, /);
    expect(parseYaml(text)).toEqual(fields);
  });

  test("an update rewrites only the changed owned keys; the recruiter's keys and comments stay", () => {
    const hand = newPostingFile(fields, 'greenhouse').replace('apply:', 'skills: [Go, Kubernetes] # ours\napply:');
    const updated = updatedPostingFile(hand, { ...fields, title: 'Senior Platform Engineer' })!;
    const before = hand.split('\n');
    const after = updated.text.split('\n');
    expect(after.filter((l) => !before.includes(l))).toEqual(['title: Senior Platform Engineer']);
    expect(before.filter((l) => !after.includes(l))).toEqual(['title: Platform Engineer']);
    expect(updatedPostingFile(updated.text, { ...fields, title: 'Senior Platform Engineer' })).toBeUndefined();
  });

  test('closing sets status: closed once', () => {
    const closed = closedPostingFile(newPostingFile(fields, 'greenhouse'))!;
    expect(parseYaml(closed)).toMatchObject({ status: 'closed', title: 'Platform Engineer' });
    expect(closedPostingFile(closed)).toBeUndefined();
  });
});
