// The npm tarball, installed the way a user would: `npm pack`, then an install into an empty
// project with no network (dependencies from the npm cache that `npm ci` filled), then the
// installed `gtv` and the Prettier plugin are run there. It catches a tarball without dist/, a
// file read at run time that `files` leaves out, and a dependency used but not declared.
//
// The pack runs in a copy of the package sources (with node_modules linked), so the checkout's
// own dist/ is never cleaned or rebuilt by the test. The empty project gets a lockfile built
// from the repository's package-lock.json (the non-dev entries): `npm ci` then fetches exact
// tarballs by integrity, all of which `npm ci` in the checkout has cached, whereas resolving
// version ranges offline would also need registry metadata that `npm ci` never caches.
import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

interface PackageJson {
  name: string;
  version: string;
  files: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  engines?: Record<string, string>;
  license?: string;
}

// The npm_* variables of an enclosing `npm test` describe the checkout's package; the nested
// npm must see only its own project (npm_config_* settings such as the cache stay).
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  for (const k of Object.keys(env))
    if (/^npm_(lifecycle|package|command|execpath|node_execpath)/i.test(k) || k === 'INIT_CWD') delete env[k];
  return env;
}

function run(step: string, cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 180_000 });
  if (r.error || r.status !== 0)
    expect.fail(
      `${step}: \`${cmd} ${args.join(' ')}\` in ${cwd} ${r.error ? `failed: ${r.error.message}` : `exited ${r.status}`}\n${r.stdout}\n${r.stderr}`,
    );
  return r;
}

const GENERATED = new Set([
  path.join('compiler', 'ir', 'schema.json'),
  path.join('compiler', 'ir', 'schema-validator.ts'),
]);

function copySources(to: string): void {
  const build = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  const dirs = build.include.filter(
    (p) => fs.existsSync(path.join(ROOT, p)) && fs.statSync(path.join(ROOT, p)).isDirectory(),
  );
  for (const name of [
    ...dirs,
    'bin',
    'python',
    'scripts',
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'CITATION.cff',
    'tsconfig.json',
    'tsconfig.build.json',
  ])
    fs.cpSync(path.join(ROOT, name), path.join(to, name), {
      recursive: true,
      // editor/vscode may hold its own node_modules; the IR schema and its validator are left for
      // the build to generate, as in a fresh clone.
      filter: (src) =>
        !src.endsWith('.test.ts') && !GENERATED.has(path.relative(ROOT, src)) && path.basename(src) !== 'node_modules',
    });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'junction');
}

/** A lockfile for a project whose one dependency is the tarball, from the checkout's lockfile. */
function projectLock(pkg: PackageJson, tarball: string): object {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'gtv-install-test', version: '1.0.0', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      license: pkg.license,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev || entry.link || !key.startsWith('node_modules/')) continue;
    packages[key] = entry;
  }
  return { name: 'gtv-install-test', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

describe('npm package: pack, install offline, run', function () {
  this.timeout(600_000);
  let tmp: string;

  before(function () {
    const probe = spawnSync(NPM, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      const reason = probe.error ? probe.error.message : `npm --version exited ${probe.status}`;
      for (const t of this.test!.parent!.tests) t.title += ` (skipped: no usable npm to pack with: ${reason})`;
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-pack-'));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the tarball holds dist/ and no tests; installed from it, gtv --version, check, run (wasm, and tfjs-node when present) and the Prettier plugin work', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
    const src = path.join(tmp, 'src');
    const project = path.join(tmp, 'project');
    fs.mkdirSync(src);
    fs.mkdirSync(project);
    copySources(src);

    // 1. pack (prepack cleans dist/, prepare builds it)
    const packed = run('npm pack', NPM, ['pack', '--json', '--pack-destination', tmp], src);
    const info = (
      JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[]
    )[0];
    const files = info.files.map((f) => f.path);
    expect(files, 'the CLI entry point').to.include.members([
      'bin/gtv.js',
      'dist/cli/main.js',
      'package.json',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
    ]);
    expect(files, 'the Python reader').to.include('python/gtv_results.py');
    expect(files, 'the worker-thread entry, loaded by URL').to.include('dist/runtime/pool/worker.js');
    expect(files, 'the IR schema, read by the runtime').to.include('dist/compiler/ir/schema.json');
    expect(files, 'the Prettier plugin').to.include('dist/editor/prettier/index.js');
    const stray = files.filter(
      (f) =>
        !f.startsWith('dist/') &&
        !f.startsWith('bin/') &&
        !['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'CITATION.cff', 'python/gtv_results.py'].includes(f),
    );
    expect(stray, 'files outside what runs').to.deep.equal([]);
    expect(
      files.filter((f) => /\.test\.|\.map$|\.ts$/.test(f)),
      'tests, source maps or TypeScript sources',
    ).to.deep.equal([]);

    // 2. install into an empty project, offline
    const tarball = path.join(tmp, info.filename);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify(
        { name: 'gtv-install-test', version: '1.0.0', private: true, dependencies: { [pkg.name]: `file:${tarball}` } },
        null,
        2,
      ),
    );
    fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(projectLock(pkg, tarball), null, 2));
    run(
      'npm ci --offline (from the tarball and the npm cache)',
      NPM,
      ['ci', '--offline', '--no-audit', '--no-fund'],
      project,
    );
    expect(fs.existsSync(path.join(project, 'node_modules/@tensorflow/tfjs'))).to.equal(
      false,
      'the full tfjs bundle is not installed',
    );

    // 3. the installed CLI
    const version = run('npx gtv --version', NPX, ['--offline', 'gtv', '--version'], project);
    expect(version.stdout.trim()).to.equal(`gtv ${pkg.version}`);
    run('gtv init', NPX, ['--offline', 'gtv', 'init'], project);
    run('gtv check', NPX, ['--offline', 'gtv', 'check', 'study.gtv'], project);
    run(
      'gtv run (tiny)',
      NPX,
      ['--offline', 'gtv', 'run', '--scale', '0.01', '--quiet', '-o', 'out', 'study.gtv'],
      project,
    );
    for (const f of [
      'manifest.json',
      'report.html',
      'gap.csv',
      'density.svg',
      'density.png',
      'density.pdf',
      'density.vl.json',
      'gap.pdf',
    ])
      expect(fs.existsSync(path.join(project, 'out', f)), `out/${f}`).to.equal(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'out/manifest.json'), 'utf8')) as {
      backend?: string;
    };
    expect(manifest.backend, 'the default backend without tfjs-node').to.equal('wasm');

    // 4. the optional native backend: a stand-in for @tensorflow/tfjs-node (which downloads
    // libtensorflow, so cannot be installed here) that does what the real package does on import,
    // register a 'tensorflow' backend and its kernels in the engine tfjs-core keeps per process.
    // The installed gtv must find it next to itself and pick it first.
    const fakeNode = path.join(project, 'node_modules/@tensorflow/tfjs-node');
    fs.mkdirSync(fakeNode, { recursive: true });
    fs.writeFileSync(
      path.join(fakeNode, 'package.json'),
      JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }),
    );
    fs.writeFileSync(
      path.join(fakeNode, 'index.js'),
      [
        "const tf = require('@tensorflow/tfjs-core');",
        "const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');",
        "tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);",
        "for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });",
      ].join('\n'),
    );
    run(
      'gtv run with tfjs-node present',
      NPX,
      ['--offline', 'gtv', 'run', '--scale', '0.01', '--quiet', '--fresh', '-o', 'out-native', 'study.gtv'],
      project,
    );
    const native = JSON.parse(fs.readFileSync(path.join(project, 'out-native/manifest.json'), 'utf8')) as {
      backend?: string;
    };
    expect(native.backend, 'the backend picked when tfjs-node is installed').to.equal('tensorflow');
    fs.rmSync(fakeNode, { recursive: true });

    // 5. the Prettier plugin, by its package export
    run(
      'prettier --plugin=gtv/prettier --check',
      NPX,
      ['--offline', 'prettier', '--plugin=gtv/prettier', '--check', 'study.gtv'],
      project,
    );
    fs.writeFileSync(path.join(project, 'messy.gtv'), 'study  s {\nseed=1\n}\n');
    const messy = spawnSync(NPX, ['--offline', 'prettier', '--plugin=gtv/prettier', '--check', 'messy.gtv'], {
      cwd: project,
      env: childEnv(),
      encoding: 'utf8',
    });
    expect(messy.status, `prettier --check of an unformatted file\n${messy.stdout}\n${messy.stderr}`).to.equal(1);
  });
});
