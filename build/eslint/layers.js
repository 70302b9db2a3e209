// The import-layer rule: who may import whom (docs/architecture.md). Each file belongs to a layer by its
// path; an import is allowed only into the layers its own layer may use, and the two native-ish packages
// are confined: `electron` to the Electron shell, `better-sqlite3` to the store.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

const LAYERS = [
  ['shell', (f) => /^src-main\/(index|window|preload)\.ts$/.test(f) || f === 'src-main/host/ipc.ts'],
  ['shared', (f) => f.startsWith('src-main/shared/')],
  ['core', (f) => f.startsWith('src-main/core/')],
  ['store', (f) => f.startsWith('src-main/store/')],
  ['service', (f) => f.startsWith('src-main/service/')],
  ['host', (f) => f.startsWith('src-main/host/')],
  ['cli', (f) => f === 'src-main/cli.ts' || f.startsWith('src-main/cli/')],
  ['renderer', (f) => f.startsWith('src-renderer/')],
];

const MAY_IMPORT = {
  shared: ['shared'],
  core: ['core', 'shared'],
  store: ['store', 'shared'],
  service: ['service', 'core', 'store', 'shared'],
  host: ['host', 'service', 'shared'],
  shell: ['shell', 'host', 'service', 'shared'],
  cli: ['cli', 'host', 'service', 'shared'],
  renderer: ['renderer'],
};

/**
 * The renderer's own layers, inside the `renderer` layer: the transport (`api`), pure helpers (`lib`), the
 * stores (`state`), the panels (`features`, with the shared hooks of `ui/`) and the page (`App`, `main`).
 * Each may import only the layers below it, so no store depends on a panel.
 */
const RENDERER_LAYERS = [
  ['lib', (f) => f.startsWith('src-renderer/src/lib/')],
  ['api', (f) => /^src-renderer\/src\/(api|page-token|upload-frames)(\.tsx?)?$/.test(f)],
  ['state', (f) => f.startsWith('src-renderer/src/state/')],
  ['features', (f) => f.startsWith('src-renderer/src/features/') || f.startsWith('src-renderer/src/ui/')],
  ['app', () => true],
];

const RENDERER_MAY_IMPORT = {
  lib: ['lib'],
  api: ['api', 'lib'],
  state: ['state', 'api', 'lib'],
  features: ['features', 'state', 'api', 'lib'],
  app: ['app', 'features', 'state', 'api', 'lib'],
};

function rendererLayerOf(file) {
  return RENDERER_LAYERS.find(([, test]) => test(file))[0];
}

/** Layers whose files the renderer may import with `import type` (it never runs main-side code). */
const RENDERER_TYPE_ONLY = ['shared'];

const CONFINED_PACKAGES = { electron: ['shell'], 'better-sqlite3': ['store'] };

/**
 * What core may import besides core and shared, exactly (docs/architecture.md): the Node built-ins it
 * reads bytes and hashes with, zod for the formats it parses, and the pure libraries of the bundle format
 * (canonical JSON, zip, RFC 3161 ASN.1). Anything else (a network client, a child process, SQLite) is
 * refused, so the analysis stays a pure function of its input.
 */
export const CORE_IMPORTS = [
  'node:crypto',
  'node:fs',
  'node:fs/promises',
  'node:path',
  'node:stream',
  'node:zlib',
  'zod',
  'canonicalize',
  'fflate',
  'asn1js',
  'pkijs',
];

function layerOf(file) {
  return LAYERS.find(([, test]) => test(file))?.[0];
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

export const layersPlugin = {
  rules: {
    layers: {
      meta: { type: 'problem', schema: [], messages: { denied: '{{reason}}' } },
      create(context) {
        const file = relative(ROOT, context.filename).split('\\').join('/');
        const layer = layerOf(file);
        if (!layer) return {};
        function check(node, source) {
          if (typeof source !== 'string') return;
          const report = (reason) => context.report({ node, messageId: 'denied', data: { reason } });
          if (!source.startsWith('.')) {
            const pkg = source.startsWith('@') ? source.split('/').slice(0, 2).join('/') : source.split('/')[0];
            const allowed = CONFINED_PACKAGES[pkg];
            if (allowed && !allowed.includes(layer)) report(`${layer} must not import ${pkg} (only ${allowed.join(', ')} may)`);
            if (layer === 'core' && !allowed && !CORE_IMPORTS.includes(source)) {
              report(`core must not import ${source}; core may import: core, shared, ${CORE_IMPORTS.join(', ')}`);
            }
            if (layer === 'renderer' && (source.startsWith('node:') || builtinModules.includes(pkg) || pkg === 'zod')) {
              report(`the renderer must not import ${source}: it runs in a sandboxed page`);
            }
            return;
          }
          const target = relative(ROOT, resolve(dirname(context.filename), source))
            .split('\\')
            .join('/')
            .replace(/\.(js|ts|tsx)$/, '');
          // The file first ("./host/ipc" is the shell's ipc.ts), then the folder it may name.
          const targetLayer = layerOf(`${target}.ts`) ?? layerOf(`${target}.tsx`) ?? layerOf(target);
          if (!targetLayer) return;
          if (layer === 'renderer' && RENDERER_TYPE_ONLY.includes(targetLayer)) {
            if (!isTypeOnly(node)) report(`the renderer imports main-side code (${source}) with \`import type\` only`);
            return;
          }
          if (!MAY_IMPORT[layer].includes(targetLayer)) {
            report(`${layer} must not import ${targetLayer} (${source}); ${layer} may import: ${MAY_IMPORT[layer].join(', ')}`);
          } else if (layer === 'renderer') {
            // Type imports count too: a store that names a panel's type still depends on the panel.
            const [from, to] = [rendererLayerOf(file), rendererLayerOf(target)];
            if (!RENDERER_MAY_IMPORT[from].includes(to)) {
              report(
                `renderer ${from} must not import renderer ${to} (${source}); ${from} may import: ${RENDERER_MAY_IMPORT[from].join(', ')}`,
              );
            }
          }
        }
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
        };
      },
    },
  },
};
