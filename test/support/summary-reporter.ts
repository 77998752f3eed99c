/**
 * Ends the suite's output with what CI needs to see in its tail: a "Failed:" list naming every failed
 * test with its database (the vitest project) and the first line of its error, then one closing line
 * "N passed, N failed, N skipped". A file that fails to load counts as one failure. With
 * TESSERA_TEST_SUMMARY set, the summary goes to that file instead (scripts/test-all.mjs prints it
 * after vitest's own summary, so it is the very last thing in the output).
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

function firstLine(message: unknown): string {
  return String(message ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const module of testModules) {
      const where = `${module.project.name} › ${relative(process.cwd(), module.moduleId)}`;
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed += 1;
        else if (result.state === 'failed') {
          failed += 1;
          failures.push(`${where} › ${test.fullName}: ${firstLine(result.errors?.[0]?.message)}`);
        } else skipped += 1;
      }
      for (const error of module.errors()) {
        failed += 1;
        failures.push(`${where}: ${firstLine(error.message)}`);
      }
    }
    for (const error of unhandledErrors) {
      failed += 1;
      failures.push(`unhandled error: ${firstLine((error as Error)?.message ?? error)}`);
    }
    const summary = [
      ...(failures.length > 0 ? ['', 'Failed:', ...failures.map((line) => `- ${line}`)] : []),
      '',
      `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
    ].join('\n');
    if (process.env.TESSERA_TEST_SUMMARY) writeFileSync(process.env.TESSERA_TEST_SUMMARY, `${summary}\n`);
    else console.log(summary);
  }
}
