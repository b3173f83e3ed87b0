import { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Builds the explorer's browser files into `dist/web`: the app bundled and minified by esbuild
 * (code splitting, so the proof verifier loads only when asked for), its CSS, an index.html
 * naming the content-hashed files, and a gzip copy of each for the gateway to send. Run by
 * `npm run build` after tsc; the gateway serves the result under /explorer/.
 */
export async function bundleExplorer(packageDir: string): Promise<{ outDir: string; files: Array<{ name: string; bytes: number; gzipBytes: number }> }> {
  const outDir = join(packageDir, 'dist', 'web');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(packageDir, 'src', 'web', 'main.tsx'), styles: join(packageDir, 'src', 'web', 'styles.css') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: ['es2022'],
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(packageDir, 'src', 'web', 'tsconfig.json'),
    // Fabric's generated protobuf modules test for `global` (Node) before `window`.
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs).map(([path, output]) => ({ path, entryPoint: output.entryPoint }));
  const entry = (suffix: string) => basename(outputs.find((o) => o.entryPoint?.endsWith(suffix))!.path);
  writeFileSync(join(outDir, 'index.html'), indexHtml(entry('main.tsx'), entry('styles.css')));
  const files = readdirSync(outDir).filter((name) => /\.(js|css|html)$/.test(name)).map((name) => {
    const body = readFileSync(join(outDir, name));
    const gzipped = gzipSync(body, { level: 9 });
    writeFileSync(join(outDir, `${name}.gz`), gzipped);
    return { name, bytes: body.length, gzipBytes: gzipped.length };
  });
  return { outDir, files };
}

function indexHtml(script: string, styles: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CityTrust 可信账本浏览器</title>
<link rel="stylesheet" href="${styles}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"><noscript>CityTrust explorer needs JavaScript. 本浏览器需要启用 JavaScript。</noscript></div>
</body>
</html>
`;
}

if (require.main === module) {
  bundleExplorer(join(__dirname, '..')).then(({ outDir, files }) => {
    const js = files.filter((f) => f.name.endsWith('.js')).reduce((sum, f) => sum + f.gzipBytes, 0);
    console.log(`explorer built in ${outDir}: ${files.length} files, JavaScript ${(js / 1024).toFixed(1)} KB gzipped`);
  }, (error: Error) => {
    console.error(`explorer build failed: ${error.message}`);
    process.exit(1);
  });
}
