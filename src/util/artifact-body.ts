/** An artifact body in any of the forms the adapter contract allows, as one string. */
import type { ArtifactBody } from '../adapter';

const toBuffer = (chunk: string | Uint8Array): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));

/** Strings and byte arrays are iterable themselves, so they are recognised before the iterables. */
export async function collectBody(body: ArtifactBody): Promise<string> {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return toBuffer(body).toString('utf8');
  const chunks: Buffer[] = [];
  if (Symbol.asyncIterator in body) {
    for await (const chunk of body) chunks.push(toBuffer(chunk));
  } else {
    for (const chunk of body) chunks.push(toBuffer(chunk));
  }
  // Decoding once at the end, so a multi-byte character split across chunks survives.
  return Buffer.concat(chunks).toString('utf8');
}
