import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@peerbridge/shared';

/** A real JSON logger at debug level whose lines are kept for the test to read. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', service: 'test', stream }), lines };
}
