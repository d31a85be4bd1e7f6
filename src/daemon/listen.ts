/** The HTTP listener: bound, or a failure that names the port and the flag that changes it. */
import type { AddressInfo } from 'node:net';
import http, { type RequestListener, type Server } from 'node:http';
import { FAILURES } from '../failures';

/** A port that cannot be had is the operator's to fix: name it, and the flag that changes it. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const code = err.code ?? '';
  if (code === 'EADDRINUSE') return FAILURES.portInUse(`${host}:${port}`);
  if (code === 'EACCES') return FAILURES.portNotAllowed(`${host}:${port}`);
  if (code === 'EADDRNOTAVAIL') return FAILURES.addressNotAvailable(`${host}:${port}`);
  return err;
}

export interface Listening {
  server: Server;
  /** What it listens on, as bound (`http://0.0.0.0:3000` for all interfaces). */
  listening: string;
  /** Where to connect to it from this machine. */
  url: string;
}

export async function listen(handler: RequestListener, port: number, host: string): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = http.createServer(handler);
    s.listen(port, host, () => resolve(s));
    s.on('error', reject);
  }).catch((err: NodeJS.ErrnoException) => {
    throw listenError(err, host, port);
  });
  server.keepAliveTimeout = 5000;
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const local = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '[::1]' : shown;
  return { server, listening: `http://${shown}:${address.port}`, url: `http://${local}:${address.port}` };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
