import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const directoryOf = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);
const consoleDir = directoryOf('.');
const repoRoot = directoryOf('../..');

// The staff console, served by the auth service at /admin/ from dist/web/console (docs/decisions/staff-console.md).
export default defineConfig({
  root: consoleDir,
  base: '/admin/',
  plugins: [vue()],
  build: {
    outDir: `${repoRoot}dist/web/console`,
    emptyOutDir: true,
    // Hashed names under assets/ are what the auth service caches for a year.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
  },
  // `npx vite --config web/console/vite.config.ts` against a running `npm run stack`.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
