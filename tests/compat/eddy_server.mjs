// Starts and stops `eddy serve` for the Node compatibility tests: port 0, the endpoint read from
// its output, GET /health awaited, SIGTERM at the end (SIGKILL after 10 s).
//
//   const eddy = await startEddy(['--test-iterator-lifetime', '2s']);
//   ... eddy.endpoint ...
//   const code = await eddy.stop();   // the exit code (0 expected)

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const EDDY_BIN = process.env.EDDY_BIN || join(here, '..', '..', 'build', 'eddy');

export async function startEddy(extraArgs = []) {
  const output = [];
  // A test that deploys a stack passes --stack FILE among extraArgs.
  const stack = extraArgs.includes('--stack') ? [] : ['--no-stack'];
  const server = spawn(EDDY_BIN, ['serve', '--listen', '127.0.0.1:0', '--in-memory', ...stack, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no endpoint line after 30 s:\n${output.join('\n')}`)), 30000);
    let buffered = '';
    server.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        output.push(line);
        const m = /endpoint: (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/$/, ''));
        }
      }
    });
    server.stderr.on('data', (chunk) => output.push(chunk.toString()));
    server.once('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`eddy serve exited (${code ?? signal}) before printing its endpoint:\n${output.join('\n')}`));
    });
  });
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const r = await fetch(`${endpoint}/health`);
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('GET /health never answered 200');
    await new Promise((r) => setTimeout(r, 50));
  }

  async function stop() {
    if (server.exitCode !== null || server.signalCode !== null) return server.exitCode;
    server.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), 10000); });
    const result = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      server.kill('SIGKILL');
      await exited;
      return 'killed after 10 s';
    }
    return result.code;
  }
  return { endpoint, output, stop };
}
