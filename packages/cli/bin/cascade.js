#!/usr/bin/env node
// The `cascade` executable: the compiled CLI (built by `npm ci` through the root `prepare`).
import '../dist/main.js';
