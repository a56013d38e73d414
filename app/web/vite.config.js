import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The SPA is served by nginx from dist/; hashed files land in dist/assets/.
// In development, /api is proxied to the running stack (VSESSION_BASE_URL).
// base './': built files are referenced relative to index.html's <base href>, which nginx sets
// to the prefix vsession is mounted under, so one build serves any prefix.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': {
        target: process.env.VSESSION_BASE_URL || 'https://localhost:8443',
        changeOrigin: true,
        secure: false,
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: false,
    setupFiles: ['./src/testing/setup.js'],
    include: ['src/**/*.test.{js,jsx}'],
    css: false,
    restoreMocks: true,
    testTimeout: 20000,
  },
});
