import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The SPA is served by nginx from dist/; hashed files land in dist/assets/.
// In development, /api is proxied to the running stack (VSESSION_BASE_URL).
export default defineConfig({
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
