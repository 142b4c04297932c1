/**
 * Unit tests of the binary lookup (src/serverPath.ts) over a fake file system: the order
 * setting > bundled > PATH, a set but missing setting path, `~` / `${workspaceFolder}` /
 * `${env:…}` expansion, vsce target names, and Windows `.exe` / PATHEXT / `Path`.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LookupEnv, Lookup, Source, bundledPath, describeFailure, expandPath, findServer, pathDirs, targetName } from '../serverPath';

interface FakeFile {
  executable?: boolean;
  dir?: boolean;
}

/** A LookupEnv whose file system is `files` (path -> attributes). */
function env(files: Record<string, FakeFile>, over: Partial<LookupEnv> = {}): LookupEnv {
  return {
    platform: 'linux',
    arch: 'x64',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    homedir: '/home/me',
    extensionPath: '/ext',
    workspaceFolder: '/work/project',
    stat: (p) => {
      const f = files[p];
      return f === undefined ? undefined : { file: !f.dir, executable: f.executable ?? true };
    },
    ...over,
  };
}

/** The lookup answer for a binary found at `path`. */
function foundAt(path: string, source: Source): Lookup {
  return { kind: 'found', path, source };
}

const BUNDLED = '/ext/bin/linux-x64/dockerfile-lsp';
const ON_PATH = '/usr/bin/dockerfile-lsp';

test('the setting wins over the bundled binary and PATH', () => {
  const e = env({ '/opt/dls': {}, [BUNDLED]: {}, [ON_PATH]: {} });
  assert.deepEqual(findServer('/opt/dls', e), foundAt('/opt/dls', 'setting'));
});

test('without the setting the bundled binary wins over PATH', () => {
  const e = env({ [BUNDLED]: {}, [ON_PATH]: {} });
  assert.deepEqual(findServer(undefined, e), foundAt(BUNDLED, 'bundled'));
  assert.deepEqual(findServer('', e), foundAt(BUNDLED, 'bundled'));
  assert.deepEqual(findServer('   ', e), foundAt(BUNDLED, 'bundled'));
  assert.deepEqual(findServer(null, e), foundAt(BUNDLED, 'bundled'));
});

test('a bundled binary that lost its executable bit is still chosen (the extension restores it)', () => {
  const e = env({ [BUNDLED]: { executable: false }, [ON_PATH]: {} });
  assert.deepEqual(findServer(undefined, e), foundAt(BUNDLED, 'bundled'));
});

test('PATH is searched in order, skipping directories and non-executables', () => {
  const e = env({
    '/usr/local/bin/dockerfile-lsp': { executable: false },
    [ON_PATH]: {},
    '/bin/dockerfile-lsp': {},
  }, { env: { PATH: '/nowhere::/usr/local/bin:/usr/bin:/bin' } });
  assert.deepEqual(findServer(undefined, e), foundAt(ON_PATH, 'path'));
  const dirs = env({ '/usr/local/bin/dockerfile-lsp': { dir: true }, [ON_PATH]: {} });
  assert.deepEqual(findServer(undefined, dirs), foundAt(ON_PATH, 'path'));
});

test('nothing found says where it looked', () => {
  const lookup = findServer(undefined, env({}));
  assert.deepEqual(lookup, { kind: 'notFound', searched: [BUNDLED, 'dockerfile-lsp on PATH'] });
  assert.equal(
    describeFailure(lookup as Exclude<typeof lookup, { kind: 'found' }>),
    `The dockerfile-lsp language server was not found (looked for ${BUNDLED}, dockerfile-lsp on PATH). Install it or set dockerfileLsp.server.path.`,
  );
});

test('a set but missing setting path is an error naming it, never a fallback', () => {
  const e = env({ [BUNDLED]: {}, [ON_PATH]: {}, '/opt/dir': { dir: true }, '/opt/noexec': { executable: false } });
  const missing = findServer('~/bin/dockerfile-lsp', e);
  assert.deepEqual(missing, {
    kind: 'settingInvalid',
    setting: '~/bin/dockerfile-lsp',
    resolved: '/home/me/bin/dockerfile-lsp',
    reason: 'no such file',
  });
  assert.equal(
    describeFailure(missing as Exclude<typeof missing, { kind: 'found' }>),
    'dockerfileLsp.server.path is set to "~/bin/dockerfile-lsp" (/home/me/bin/dockerfile-lsp), but it cannot be used: no such file.',
  );
  assert.equal((findServer('/opt/dir', e) as { reason: string }).reason, 'not a file');
  assert.equal((findServer('/opt/noexec', e) as { reason: string }).reason, 'not executable');
});

test('~, ${userHome}, ${workspaceFolder} and ${env:NAME} are expanded; relative paths join the folder', () => {
  const e = env(
    {
      '/home/me/.cargo/bin/dockerfile-lsp': {},
      '/work/project/target/release/dockerfile-lsp': {},
      '/opt/tools/dockerfile-lsp': {},
    },
    { env: { PATH: '/usr/bin', TOOLS: '/opt/tools' } },
  );
  const found = (s: string) => findServer(s, e);
  assert.deepEqual(found('~/.cargo/bin/dockerfile-lsp'), foundAt('/home/me/.cargo/bin/dockerfile-lsp', 'setting'));
  assert.equal((found('${userHome}/.cargo/bin/dockerfile-lsp') as { path: string }).path, '/home/me/.cargo/bin/dockerfile-lsp');
  assert.equal(
    (found('${workspaceFolder}/target/release/dockerfile-lsp') as { path: string }).path,
    '/work/project/target/release/dockerfile-lsp',
  );
  assert.equal((found('./target/release/dockerfile-lsp') as { path: string }).path, '/work/project/target/release/dockerfile-lsp');
  assert.equal((found('${env:TOOLS}/dockerfile-lsp') as { path: string }).path, '/opt/tools/dockerfile-lsp');
  assert.equal(expandPath('~', e), '/home/me');
  assert.equal(expandPath('a~b/c', e), '/work/project/a~b/c');
});

test('${workspaceFolder} without a folder and unknown variables are errors', () => {
  const e = env({}, { workspaceFolder: undefined });
  assert.deepEqual(findServer('${workspaceFolder}/dls', e), {
    kind: 'settingInvalid',
    setting: '${workspaceFolder}/dls',
    reason: '${workspaceFolder} is used but no folder is open',
  });
  assert.deepEqual(expandPath('${foo}/x', e), {
    error: 'unknown variable ${foo} (use ~, ${userHome}, ${workspaceFolder} or ${env:NAME})',
  });
});

test('a bare command name in the setting is looked up on PATH', () => {
  const e = env({ '/usr/bin/dockerfile-lsp-nightly': {}, [BUNDLED]: {} });
  assert.deepEqual(findServer('dockerfile-lsp-nightly', e), foundAt('/usr/bin/dockerfile-lsp-nightly', 'setting'));
  assert.deepEqual(findServer('nope', e), {
    kind: 'settingInvalid',
    setting: 'nope',
    resolved: 'nope',
    reason: 'no `nope` on PATH',
  });
});

test('vsce target names', () => {
  assert.equal(targetName('linux', 'x64'), 'linux-x64');
  assert.equal(targetName('linux', 'arm64'), 'linux-arm64');
  assert.equal(targetName('linux', 'arm'), 'linux-armhf');
  assert.equal(targetName('darwin', 'arm64'), 'darwin-arm64');
  assert.equal(targetName('darwin', 'x64'), 'darwin-x64');
  assert.equal(targetName('win32', 'x64'), 'win32-x64');
  assert.equal(targetName('win32', 'arm64'), 'win32-arm64');
  assert.equal(targetName('freebsd', 'x64'), undefined);
  assert.equal(targetName('linux', 'ia32'), undefined);
  assert.equal(bundledPath({ platform: 'darwin', arch: 'arm64', extensionPath: '/ext' }), '/ext/bin/darwin-arm64/dockerfile-lsp');
});

test('an unsupported platform skips the bundled binary and uses PATH', () => {
  const e = env({ [ON_PATH]: {} }, { platform: 'freebsd' });
  assert.deepEqual(findServer(undefined, e), foundAt(ON_PATH, 'path'));
});

/** A Windows machine: `Path` (not `PATH`), PATHEXT, backslashes. */
function windows(files: Record<string, FakeFile>, vars: Record<string, string> = {}): LookupEnv {
  return env(files, {
    platform: 'win32',
    arch: 'x64',
    homedir: 'C:\\Users\\me',
    extensionPath: 'C:\\ext',
    workspaceFolder: 'C:\\src\\project',
    env: { Path: 'C:\\Windows;"C:\\Program Files\\dls";C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD', ...vars },
  });
}

test('Windows: the bundled binary is bin\\win32-x64\\dockerfile-lsp.exe', () => {
  const e = windows({ 'C:\\ext\\bin\\win32-x64\\dockerfile-lsp.exe': {} });
  assert.deepEqual(findServer(undefined, e), foundAt('C:\\ext\\bin\\win32-x64\\dockerfile-lsp.exe', 'bundled'));
});

test('Windows: PATH entries (quoted too) are searched with PATHEXT, in its order', () => {
  const e = windows({ 'C:\\Program Files\\dls\\dockerfile-lsp.exe': {}, 'C:\\tools\\dockerfile-lsp.cmd': {} });
  assert.deepEqual(pathDirs(e), ['C:\\Windows', 'C:\\Program Files\\dls', 'C:\\tools']);
  assert.deepEqual(findServer(undefined, e), foundAt('C:\\Program Files\\dls\\dockerfile-lsp.exe', 'path'));
  const cmdFirst = windows({ 'C:\\tools\\dockerfile-lsp.cmd': {}, 'C:\\tools\\dockerfile-lsp.exe': {} }, { PATHEXT: '.CMD;.EXE' });
  assert.equal((findServer(undefined, cmdFirst) as { path: string }).path, 'C:\\tools\\dockerfile-lsp.cmd');
  // A file without an executable extension is not a command.
  const bare = windows({ 'C:\\tools\\dockerfile-lsp': {} });
  assert.equal(findServer(undefined, bare).kind, 'notFound');
});

test('Windows: a setting without .exe finds the .exe; ~ and ${workspaceFolder} expand', () => {
  const e = windows({
    'C:\\Users\\me\\.cargo\\bin\\dockerfile-lsp.exe': {},
    'C:\\src\\project\\target\\release\\dockerfile-lsp.exe': {},
  });
  assert.equal(
    (findServer('~\\.cargo\\bin\\dockerfile-lsp', e) as { path: string }).path,
    'C:\\Users\\me\\.cargo\\bin\\dockerfile-lsp.exe',
  );
  assert.equal(
    (findServer('~/.cargo/bin/dockerfile-lsp.exe', e) as { path: string }).path,
    'C:\\Users\\me\\.cargo\\bin\\dockerfile-lsp.exe',
  );
  assert.equal(
    (findServer('${workspaceFolder}\\target\\release\\dockerfile-lsp', e) as { path: string }).path,
    'C:\\src\\project\\target\\release\\dockerfile-lsp.exe',
  );
  assert.equal(findServer('C:\\missing\\dockerfile-lsp.exe', e).kind, 'settingInvalid');
});

test('Windows: environment variables are case-insensitive; PATHEXT defaults when unset', () => {
  const e = windows({ 'C:\\tools\\dockerfile-lsp.exe': {} });
  e.env = { PATH: 'C:\\tools' };
  assert.equal((findServer(undefined, e) as { path: string }).path, 'C:\\tools\\dockerfile-lsp.exe');
  e.env = { path: 'C:\\tools', TOOLS: 'C:\\tools' };
  assert.equal((findServer('${env:tools}\\dockerfile-lsp', e) as { path: string }).path, 'C:\\tools\\dockerfile-lsp.exe');
});
