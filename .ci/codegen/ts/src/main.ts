// node dist/main.js <gooten|bootic|rewix>: the live scenario of one provider against the running sandbox.
// Prints `live calls: N made, M passed` and each failure; exits non-zero unless every call passed.
import { Tally, argv, fail } from './common.js';
import * as bootic from './bootic.js';
import * as gooten from './gooten.js';
import * as rewix from './rewix.js';

const scenarios: Record<string, (tally: Tally) => Promise<void>> = {
  gooten: gooten.run,
  bootic: bootic.run,
  rewix: rewix.run,
};

const provider = argv()[0] ?? '';
const scenario = scenarios[provider];
if (scenario === undefined) {
  console.error(`usage: node dist/main.js <${Object.keys(scenarios).join('|')}>`);
  fail(2);
} else {
  const tally = new Tally();
  try {
    await scenario(tally);
  } catch (error) {
    tally.failures.push(`scenario aborted: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const failure of tally.failures) console.log(`  FAILED ${failure}`);
  console.log(`live calls: ${tally.made} made, ${tally.passed} passed`);
  if (tally.failures.length > 0 || tally.made === 0 || tally.passed !== tally.made) fail(1);
}
