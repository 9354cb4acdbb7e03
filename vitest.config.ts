import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CI reads the JSON report to print a plain "N passed, N failed" line.
    reporters: process.env.COGCF_TEST_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.COGCF_TEST_REPORT ? { outputFile: { json: process.env.COGCF_TEST_REPORT } } : {}),
    expect: { requireAssertions: true },
    // The functions log every refused sign-in and failed lookup; the attack
    // tests provoke hundreds of them on purpose.
    onConsoleLog: (log) => !/^cogcf (manager|checker): /.test(log),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
