import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../common/data-converter';

/** Prebundles workflow code at build time, so production workers start without webpack. */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // The failure converter runs inside the sandbox too (failure messages are encrypted).
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  const out = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');
  await writeFile(out, code);
  console.log(`workflow bundle written to ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
