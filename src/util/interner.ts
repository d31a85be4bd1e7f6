/** One copy of each equal string: for values thousands of records repeat (messages, content types, ids). */
export class Interner {
  private readonly strings = new Map<string, string>();

  intern(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }
}
