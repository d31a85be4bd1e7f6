/**
 * assertSafeArtifactPath decides which paths a build may write under the output folder. Its
 * substring tests must accept exactly what the rule says, segment by segment: a property over paths
 * made of the characters that matter.
 */
import fc from 'fast-check';
import { assertSafeArtifactPath } from '../src/pipeline/output-store';

/** The rule as written: relative, no backslash or NUL, every segment non-empty and not starting with a dot. */
const safeByRule = (p: string): boolean =>
  p !== '' && !p.startsWith('/') && !p.includes('\\') && !p.includes('\0') && p.split('/').every((seg) => seg !== '' && !seg.startsWith('.'));

const accepted = (p: string): boolean => {
  try {
    assertSafeArtifactPath(p);
    return true;
  } catch {
    return false;
  }
};

describe('assertSafeArtifactPath', () => {
  it('accepts exactly the paths the segment rule accepts', () => {
    const path = fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '\\', '\0', '..', 'x.html'), maxLength: 12 });
    fc.assert(
      fc.property(path, (p) => expect(accepted(p)).toBe(safeByRule(p))),
      { numRuns: 2000 },
    );
  });

  it('accepts the files a site has and refuses the ways out of it', () => {
    for (const p of ['jobs/a/index.html', 'feeds/jobs.rss', 'sitemap.xml', 'a.b/c']) expect(accepted(p)).toBe(true);
    for (const p of ['', '/etc/passwd', '../x', 'a/../b', 'a/./b', 'a//b', 'a/', '.well-known/x', 'a\\b', 'a\0b']) expect(accepted(p)).toBe(false);
  });
});
