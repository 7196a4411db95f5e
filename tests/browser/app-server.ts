import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The tiny SMART app's files, by the path the browser asks for; nothing else is served. */
const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/launch.html': { file: appFile('launch.html'), type: 'text/html' },
  '/callback': { file: appFile('callback.html'), type: 'text/html' },
  '/app.js': { file: appFile('app.js'), type: 'text/javascript' },
  // SMART's fhirclient as any web app ships it: its browser bundle, from the npm package.
  '/fhir-client.js': {
    file: createRequire(import.meta.url).resolve('fhirclient/build/fhir-client.min.js'),
    type: 'text/javascript',
  },
};

function appFile(name: string): string {
  return fileURLToPath(new URL(`./smart-app/${name}`, import.meta.url));
}

export interface AppServer {
  /** Where the browser opens the app: `http://localhost:<port>`, another origin than PeerBridge's. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the app on a port of its own, as an app vendor's web server would. */
export async function startAppServer(): Promise<AppServer> {
  const server: Server = createServer((req, res) => {
    const entry = FILES[new URL(req.url ?? '/', 'http://app').pathname];
    if (req.method !== 'GET' || !entry) {
      res.writeHead(404).end();
      return;
    }
    readFile(entry.file).then(
      (body) => res.writeHead(200, { 'Content-Type': entry.type, 'Cache-Control': 'no-store' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
