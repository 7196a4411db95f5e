import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { outcome } from '../errors/operation-outcome-error.js';
import type { Logger } from '../logging/logger.js';

/**
 * What Node's own HTTP parser refuses (a malformed request line, bad characters in a header,
 * headers too large) never reaches Express. Without this, such a client gets a bare status line
 * with no body and none of the security headers; with it, an OperationOutcome like every other
 * error, logged as a warning with the parser's error code only.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    logger.warn('malformed request', { code: error.code });
    const body = JSON.stringify(
      outcome(
        'error',
        tooLarge ? 'too-long' : 'invalid',
        tooLarge
          ? 'The request headers are larger than this server accepts'
          : 'The request is not valid HTTP',
      ),
    );
    socket.end(
      [
        `HTTP/1.1 ${status}`,
        'Content-Type: application/fhir+json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'X-Content-Type-Options: nosniff',
        "Content-Security-Policy: default-src 'none'",
        'Cache-Control: no-store',
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
