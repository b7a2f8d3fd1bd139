// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'db/migrations/**', 'eslint.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no clients.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...builtinModules.map((name) => ({
              name,
              message: 'Workflows run in a sandbox without Node APIs.',
            })),
            ...builtinModules.map((name) => ({
              name: `node:${name}`,
              message: 'Workflows run in a sandbox without Node APIs.',
            })),
            { name: 'stripe', message: 'Call Stripe from an activity, never from a workflow.' },
            {
              name: '../common/capture',
              message: 'The capturing client is not sandbox-safe: import ../common/capture/contract.',
            },
            { name: 'postgres', message: 'Touch the database from an activity, never from a workflow.' },
            ...['koa', 'pino', 'prom-client', 'raw-body', '@temporalio/client', '@temporalio/worker'].map(
              (name) => ({
                name,
                message: 'Workflow code runs in the sandbox: no servers, clients or loggers.',
              }),
            ),
          ],
          patterns: [
            {
              group: [
                '../common/logger',
                '../common/config',
                '../common/config-error',
                '../common/concurrency',
                '../common/data-converter',
                '../common/event-starter',
                '../common/payload-codec',
                '../common/payload-keys',
                '../common/start-errors',
                '../common/stripe-api',
                '../common/temporal-config',
                '../common/temporal-connection',
                '../common/temporal-logger',
                // The capturing client (stripe, prom-client, a Temporal client; the folder itself is
                // in `paths` above, since a pattern would also match contract.ts, which is pure).
                '../common/capture/index',
                '../common/capture/http-client',
                '../common/capture/metrics',
                '../common/capture/starter',
              ],
              message: 'Not sandbox-safe: use `log` from @temporalio/workflow and pass config as input.',
            },
            { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'Touch the database from an activity.' },
            {
              group: [
                '../activities',
                '../activities/*',
                '../db',
                '../db/*',
                '../ingress',
                '../ingress/*',
                '../ops',
                '../ops/*',
                '../worker/*',
              ],
              allowTypeImports: true,
              message: 'Import activity types only: proxyActivities<ReturnType<typeof createActivities>>.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
