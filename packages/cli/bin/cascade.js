#!/usr/bin/env node
// The `cascade` executable: the compiled CLI (built by `npm ci` through the root `prepare`). Node
// runs it directly (no shell of ours in between), so signals sent to it or its group arrive.
import { watchLauncher } from '../dist/launcher.js';

watchLauncher();
await import('../dist/main.js');
