/**
 * The part of negotiator 1.x that src/serve/body-cache.ts uses. @types/negotiator describes 0.6,
 * which has no `preferred` option (the server's order for ties), and an `export =` class cannot be
 * augmented, so the module is declared here.
 */
declare module 'negotiator' {
  class Negotiator {
    constructor(request: { headers: Readonly<Record<string, string | readonly string[] | undefined>> });
    encoding(available: readonly string[], options?: { preferred?: readonly string[] }): string | undefined;
  }
  export = Negotiator;
}
