// Runs the mnemo CLI in a child process (tests spawn: node --import tsx test/support/cli.ts ...args).
import { main } from '../../src/cli/main.js';

await main(process.argv);
