// Runs the simulator in a child process, so a benchmark's peak RSS is the checker's alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface SimProcess {
  url: string;
  tokens: Record<string, string>;
  stop: () => Promise<void>;
}

export async function startSimProcess(args: string[]): Promise<SimProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'sim', 'main.ts'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tokens: Record<string, string> = {};
  let url = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulator did not start within 120 s')), 120_000);
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        const u = /^\s*(?:url|URL)\s*:\s*(\S+)/.exec(line) ?? /(http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (u && !url) url = u[1]!.replace(/\/api\/v4\/?$/, '');
        const t = /^\s*(\w+) token\s*:\s*(\S+)/.exec(line);
        if (t) tokens[t[1]!] = t[2]!;
      }
      if (url && tokens.admin) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code} before printing its URL`)));
  });
  return {
    url,
    tokens,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
