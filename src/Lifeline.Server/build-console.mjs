// Bundles the operator console's ES modules (wwwroot/js) with their npm dependencies (uPlot) into wwwroot/lib.
// Run by the project's build (Lifeline.Server.csproj, target BundleConsole) after `npm ci`; also `npm run build`.
import { build } from 'esbuild';

await build({
  entryPoints: { console: 'wwwroot/js/app.js', login: 'wwwroot/js/login.js' },
  outdir: 'wwwroot/lib',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
