// Runs before every test file (vitest.config.ts `setupFiles`), in Node and in Chromium.
//
// vitest's runner goes from one test to the next without giving the event loop
// a turn, and its worker answers the main process's RPC (the "onTaskUpdate"
// reports) only between macrotasks. A file of many synchronous tests that
// together run past the RPC timeout (60 s, easily reached by the accuracy and
// gradient suites on this shared 2-core machine under load) then fails with an
// unhandled "Timeout calling onTaskUpdate" though every test passed, and the run
// exits non-zero. One macrotask turn before each test keeps the worker
// answering. (A single test longer than the timeout must still yield inside
// its own loops.)
import { beforeEach } from 'vitest';

const turn: (resolve: () => void) => void = typeof setImmediate === 'function' ? (r) => setImmediate(r) : (r) => setTimeout(r, 0);

beforeEach(() => new Promise<void>(turn));
