// Drives the simulator with python-gitlab (Debian's python3-gitlab), a client nobody here wrote: if the sim
// answers in a shape GitLab does not, its objects and pagination say so. Tests skip, with the reason, where the
// package is not installed (.ci/run installs it).
import { execFile, execFileSync } from 'node:child_process';

export interface PythonGitlab {
  /** The interpreter that imports `gitlab`, or undefined with the reason. */
  python?: string;
  version?: string;
  reason?: string;
}

let found: PythonGitlab | undefined;

/** Debian installs python3-gitlab for /usr/bin/python3; a python3 first on PATH (pyenv, venv) may lack it. */
export function findPythonGitlab(): PythonGitlab {
  if (found) return found;
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const version = execFileSync(python, ['-c', 'import gitlab, sys; sys.stdout.write(gitlab.__version__)'], {
        cwd: '/', // this repository has a gitlab/ folder that Python would take for the package
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 20_000,
      }).toString();
      return (found = { python, version });
    } catch {
      // try the next interpreter
    }
  }
  return (found = { reason: 'python-gitlab is not installed (Debian package python3-gitlab: apt-get install -y python3-gitlab)' });
}

/**
 * Runs `script` with `gl` bound to `gitlab.Gitlab(url, private_token=token)`; the script prints one JSON value
 * with `out(value)`. Rejects with python's stderr on failure.
 */
export function runPythonGitlab(url: string, token: string, script: string): Promise<unknown> {
  const { python, reason } = findPythonGitlab();
  if (!python) return Promise.reject(new Error(reason));
  const program = [
    'import json, os, sys, gitlab',
    "gl = gitlab.Gitlab(os.environ['GL_URL'], private_token=os.environ['GL_TOKEN'], retry_transient_errors=False)",
    'def out(value):',
    '    sys.stdout.write(json.dumps(value))',
    script,
  ].join('\n');
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', program], { cwd: '/', env: { PATH: process.env.PATH ?? '', GL_URL: url, GL_TOKEN: token }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`python-gitlab: ${stderr.trim().split('\n').slice(-3).join(' | ') || err.message}`));
      try {
        resolve(JSON.parse(stdout) as unknown);
      } catch {
        reject(new Error(`python-gitlab printed no JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}
