// The README's function table is generated from the catalog; this fails when
// someone edits one without the other.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('docs', () => {
  it('README function table matches the catalog', () => {
    expect(() => execFileSync(process.execPath, ['scripts/docs.js', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
