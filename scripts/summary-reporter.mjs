// A node:test reporter that ends the run with one plain line: "N passed, N failed, N skipped".
// Suites are not counted, only tests.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') {
      if (event.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed') failed++;
      continue;
    }
    if (d.skip !== undefined && d.skip !== false) skipped++;
    else if (d.todo !== undefined && d.todo !== false) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
