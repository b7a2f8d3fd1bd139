import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Prebundles workflow code at build time, so production workers start without webpack. */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  const out = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');
  await writeFile(out, code);
  console.log(`workflow bundle written to ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
