// Multi-page build: the tablet app (/), the secretariat and chair consoles, the hall display.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (name) => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The server's CSP forbids inline scripts: no module-preload polyfill, no inlined assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rollupOptions: {
      input: {
        index: page('index'),
        secretariat: page('secretariat'),
        chair: page('chair'),
        display: page('display'),
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:5000',
      '/socket.io': { target: 'ws://127.0.0.1:5000', ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.js'],
    environment: 'node',
  },
});
