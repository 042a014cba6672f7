// Shared by the tests of the packed tarball (test/pack*.test.ts): running npm and node in
// scratch projects, and packing this repo into one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

const execFileAsync = promisify(execFile);

/** Runs a command to completion and returns its stdout; asynchronous, so the test worker stays responsive meanwhile. */
export async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await execFileAsync(cmd, args, { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 64 << 20 })).stdout;
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with status ${err.status}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
  }
}

/** `npm pack` of the built repo into `dir` (--ignore-scripts: `prepack` would rebuild dist/ under the other test files); the tarball's path. */
export async function pack(dir: string): Promise<string> {
  const packed = JSON.parse(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repo)) as Array<{ filename: string }>;
  return path.join(dir, path.basename(packed[0]!.filename));
}

/** A fresh ES-module project in `dir` with the tarball installed (offline: the package has no dependencies). */
export async function scratchProject(dir: string, tarball: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', tarball], dir);
  return dir;
}
