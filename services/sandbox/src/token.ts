import { DemoTokenError, runTokenCommand } from './token-command.js';

// `npm run token -- --as clinician --patient 123`: a development sandbox token for demos (docs/sandbox.md).
try {
  process.stdout.write(`${await runTokenCommand(process.argv.slice(2), process.env)}\n`);
} catch (error) {
  if (!(
    error instanceof DemoTokenError ||
    (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
  )) {
    throw error;
  }
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
