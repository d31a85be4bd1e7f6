/**
 * Validated postings are kept on disk, not in memory (src/load/posting-store.ts): the spill file is
 * invisible from the moment it exists, bytes read back are the bytes written, and a posting stays
 * parsed only while it is among the last read — so a build of any size never holds every posting.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PostingStore } from '../src/load/posting-store';
import { loadPostings } from '../src/load/postings';
import { PostingBody } from '../src/model/posting-body';
import type { Posting } from '../src/model/posting';
import { validateProject } from '../src/pipeline/validate';
import { MINIMAL_POSTING, tempProject } from './helpers/project';

const NOW = new Date('2026-11-28T12:00:00Z');

describe('a spill store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-spill-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no file behind, and reads back exactly what was appended', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 9000 }), { maxLength: 40 }), (chunks) => {
        const store = PostingStore.spill(dir)!;
        expect(readdirSync(dir)).toEqual([]);
        const places = chunks.map((c) => store.append(c));
        // Read back out of order: each read is positioned, not a cursor.
        for (const i of chunks.keys()) {
          const j = chunks.length - 1 - i;
          expect(Buffer.compare(store.read(...places[j]!), Buffer.from(chunks[j]!))).toBe(0);
        }
        expect(store.length).toBe(chunks.reduce((n, c) => n + c.length, 0));
      }),
      { numRuns: 60 },
    );
  });

  it('is undefined when its folder cannot be written (postings then stay in memory)', () => {
    expect(PostingStore.spill(path.join(dir, 'missing', 'folder'))).toBeUndefined();
  });

  it('reports bytes past its end instead of returning zeros', () => {
    const store = PostingStore.spill(dir)!;
    store.append(Buffer.from('{"a":1}'));
    expect(() => store.read(3, 10)).toThrow(/ends early/);
  });
});

describe('a stored posting', () => {
  const posting = (i: number) => ({ title: `Role ${i} — ünïcode ✓`, n: i }) as unknown as Posting;

  it('is parsed again once a thousand others were read after it, and equals what was stored', () => {
    const store = PostingStore.spill()!;
    const bodies = Array.from({ length: 1500 }, (_, i) => {
      const [at, length] = store.append(Buffer.from(JSON.stringify(posting(i))));
      return PostingBody.stored(store, at, length, false);
    });
    const first = bodies[0]!.posting;
    expect(bodies[0]!.posting).toBe(first);
    for (const b of bodies.slice(1)) void b.posting;
    const again = bodies[0]!.posting;
    expect(again).not.toBe(first);
    expect(again).toEqual(posting(0));
    expect(bodies.map((b) => b.posting)).toEqual(bodies.map((_, i) => posting(i)));
  });

  it('counts as just read when it is stored with its parsed posting', () => {
    const store = PostingStore.spill()!;
    const value = posting(7);
    const [at, length] = store.append(Buffer.from(JSON.stringify(value)));
    const body = PostingBody.stored(store, at, length, false, value);
    expect(body.posting).toBe(value);
    expect(body.cached).toBe(false);
  });
});

describe('validation of many roles', () => {
  it('keeps no posting object once its checks ran: entries read their postings back, equal to the source', async () => {
    const ids = Array.from({ length: 1100 }, (_, i) => `role-${String(i).padStart(4, '0')}`);
    const project = tempProject(Object.fromEntries(ids.map((id) => [`${id}.yaml`, MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${id}`)])));
    try {
      const v = await validateProject(await project.open(), { now: NOW });
      expect(v.entries.map((e) => e.id)).toEqual(ids);
      const first = v.entries[0]!.posting;
      expect(first.title).toBe('Engineer role-0000');
      for (const e of v.entries) expect(e.posting.title).toBe(`Engineer ${e.id}`);
      // A thousand and more read since: the first was dropped and is parsed anew from its bytes.
      expect(v.entries[0]!.posting).not.toBe(first);
      expect(v.entries[0]!.posting).toEqual(first);
      // An entry spread (as the admin does to show a role as open) still carries its posting.
      expect({ ...v.entries[5]! }.posting).toEqual(v.entries[5]!.posting);
    } finally {
      project.cleanup();
    }
  });
});

describe('a spill store that cannot be written', () => {
  it('keeps the postings in memory: nothing is lost and every file loads', async () => {
    const project = tempProject({ 'a.yaml': MINIMAL_POSTING, 'b.yaml': MINIMAL_POSTING.replace('Backend Engineer', 'Other') });
    try {
      const full = {
        append: () => {
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        },
      } as unknown as PostingStore;
      const opened = await project.open();
      const loaded = await loadPostings(opened.postingsDir, opened.postingSchema, { spill: full, onPosting: () => undefined });
      expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(loaded.postings.map((p) => [p.id, p.posting.title, p.cached])).toEqual([
        ['a', 'Backend Engineer', undefined],
        ['b', 'Other', undefined],
      ]);
    } finally {
      project.cleanup();
    }
  });
});
