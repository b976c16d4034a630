#!/usr/bin/env node
// The heddle command. The TypeScript sources are compiled to dist/ by `npm run build`
// (which `npm ci` runs through the prepare script).
import '../dist/src/cli/main.js';
