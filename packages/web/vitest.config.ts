import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The browser tests share one Chromium; running files one after another keeps 2 cores usable.
    fileParallelism: false,
  },
});
