// Runs the mnemo CLI from source (node --import tsx test/support/cli.ts ...args), for
// debugging a command without a build. Tests spawn the built bin/mnemo.js instead
// (npm test builds first): it starts in a third of the time.
import { main } from '../../src/cli/main.js';

await main(process.argv);
