// The examples run as documented and do what they say: the two-spirals network (our forward
// functions and .grad, no ML library) prints a falling loss and ends fitting the data.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const run = (...args: string[]) => execFileSync(process.execPath, args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('examples', () => {
  it('two-spirals.js: the loss falls epoch after epoch, to a fit of the training set', () => {
    const out = run('examples/two-spirals.js');
    const losses = [...out.matchAll(/^epoch +(\d+) +loss ([\d.]+) +accuracy ([\d.]+)%$/gm)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])] as const);
    expect(losses.length).toBeGreaterThanOrEqual(10);
    expect(losses[losses.length - 1]![1]).toBeLessThan(losses[0]![1] / 10);
    expect(losses[losses.length - 1]![2]).toBeGreaterThanOrEqual(95);
    // mostly downhill: Adam may wobble, but never back above where it was two reports earlier
    for (let i = 2; i < losses.length; i++) expect(losses[i]![1], `epoch ${losses[i]![0]}`).toBeLessThan(losses[i - 2]![1]);
  });

  it('two-spirals.js refuses an activation it cannot differentiate, naming those it can', () => {
    expect(() => run('examples/two-spirals.js', 'softmax')).toThrow(/not an elementwise activation with a gradient in this build; try one of: .*relu/);
  });
});
