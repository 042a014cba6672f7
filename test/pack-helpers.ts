// Shared by the tests of the packed tarball (test/pack*.test.ts): running npm and node in
// scratch projects, and packing this repo into one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('..', import.meta.url));

/** The environment for child npm runs, without the variables of the `npm test` that runs us. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  for (const key of Object.keys(env)) if (/^npm_(package|lifecycle)_/i.test(key)) delete env[key];
  return env;
}

export function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, env: childEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with status ${err.status}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
  }
}

/** `npm pack` of the built repo into `dir` (--ignore-scripts: `prepack` would rebuild dist/ under the other test files); the tarball's path. */
export function pack(dir: string): string {
  const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repo)) as Array<{ filename: string }>;
  return path.join(dir, path.basename(packed[0]!.filename));
}

/** A fresh ES-module project in `dir` with the tarball installed (offline: the package has no dependencies). */
export function scratchProject(dir: string, tarball: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', tarball], dir);
  return dir;
}
