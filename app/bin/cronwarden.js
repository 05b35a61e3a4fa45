#!/usr/bin/env node
// The `cronwarden` command. The code is TypeScript, run through tsx (esbuild, cached), so there
// is no build step between a checkout and a running service.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
