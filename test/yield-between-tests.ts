// Vitest setup file: lets the worker's event loop turn between tests. Guest programs run
// synchronously, so a file of many of them (guest-cases, busybox) never returns to the event
// loop on its own; vitest's worker then cannot receive the answers to its progress messages, and
// after 60 s (birpc's timeout) it reports "Timeout calling onTaskUpdate" and the run exits 1 even
// though every test passed. One macrotask turn after each test lets those answers in.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
