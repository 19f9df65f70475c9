#!/usr/bin/env node
// The `concord` command: TypeScript sources run through tsx, so there is no build step.
require('tsx/cjs');
require('./concord.ts');
