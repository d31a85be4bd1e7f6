/** An artifact body in any of the forms the adapter contract allows, as one string. */
import type { ArtifactBody } from './adapter';

/** A chunk as a Buffer; a byte array's own memory, not a copy. */
export const toBuffer = (chunk: string | Uint8Array): Buffer =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** Every byte of a body; strings and byte arrays are iterable themselves, so they are recognised first. */
export async function collectBytes(body: ArtifactBody): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return toBuffer(body);
  const chunks: Buffer[] = [];
  if (Symbol.asyncIterator in body) {
    for await (const chunk of body) chunks.push(toBuffer(chunk));
  } else {
    for (const chunk of body) chunks.push(toBuffer(chunk));
  }
  return Buffer.concat(chunks);
}

/** A body as one string, decoded once at the end so a multi-byte character split across chunks survives. */
export async function collectBody(body: ArtifactBody): Promise<string> {
  return typeof body === 'string' ? body : (await collectBytes(body)).toString('utf8');
}

/**
 * A body made only when it is read (each time it is iterated): a file the build carries over from
 * the previous output instead never costs its rendering.
 */
export const lazyBody = (make: () => string | Uint8Array): Iterable<string | Uint8Array> => ({
  *[Symbol.iterator]() {
    yield make();
  },
});
