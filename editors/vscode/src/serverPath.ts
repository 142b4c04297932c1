/**
 * Finding the `dockerfile-lsp` binary: the setting `dockerfileLsp.server.path` (with
 * `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` expanded; a set but missing
 * path is an error naming it, never a silent fallback), else the binary bundled in the
 * extension as `bin/<platform>-<arch>/dockerfile-lsp[.exe]` (vsce's target names:
 * `linux-x64`, `darwin-arm64`, `win32-x64`, …), else `dockerfile-lsp` on `PATH`
 * (searched here, with `PATHEXT` on Windows).
 *
 * Pure: the file system, environment and platform come in as a [[LookupEnv]], so
 * `node:test` covers every branch on any OS.
 */

import * as path from 'node:path';

/** The binary's base name. */
export const BINARY = 'dockerfile-lsp';

/** What the lookup may ask about the machine. */
export interface LookupEnv {
  platform: NodeJS.Platform;
  arch: string;
  /** Environment variables (`PATH`/`Path`, `PATHEXT`, `${env:NAME}`). */
  env: Record<string, string | undefined>;
  homedir: string;
  /** The extension's install folder (holds `bin/`). */
  extensionPath: string;
  /** The first workspace folder's file system path, if one is open. */
  workspaceFolder?: string;
  /** `file`: a regular file (after symlinks); `executable`: runnable by us (always true on Windows). */
  stat(p: string): { file: boolean; executable: boolean } | undefined;
}

/** Where the binary came from. */
export type Source = 'setting' | 'bundled' | 'path';

export type Lookup =
  | { kind: 'found'; path: string; source: Source }
  /** The setting is set but names nothing runnable (or cannot be expanded). */
  | { kind: 'settingInvalid'; setting: string; resolved?: string; reason: string }
  /** Nothing set, nothing bundled for this platform, nothing on PATH. */
  | { kind: 'notFound'; searched: string[] };

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * vsce's target name for a platform and Node architecture (`linux-x64`, `linux-armhf`,
 * `darwin-arm64`, `win32-x64`, …), or `undefined` for platforms VS Code does not ship.
 */
export function targetName(platform: NodeJS.Platform, arch: string): string | undefined {
  const archName = arch === 'arm' ? 'armhf' : arch;
  const platforms = ['linux', 'darwin', 'win32'];
  const archs = ['x64', 'arm64', 'armhf'];
  if (!platforms.includes(platform) || !archs.includes(archName)) {
    return undefined;
  }
  return `${platform}-${archName}`;
}

/** The bundled binary's path for this machine, whether or not it exists. */
export function bundledPath(e: Pick<LookupEnv, 'platform' | 'arch' | 'extensionPath'>): string | undefined {
  const target = targetName(e.platform, e.arch);
  if (!target) {
    return undefined;
  }
  const exe = e.platform === 'win32' ? `${BINARY}.exe` : BINARY;
  return pathApi(e.platform).join(e.extensionPath, 'bin', target, exe);
}

/** An environment variable, case-insensitively on Windows. */
function envVar(e: LookupEnv, name: string): string | undefined {
  if (e.platform !== 'win32') {
    return e.env[name];
  }
  const key = Object.keys(e.env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : e.env[key];
}

/**
 * Expands `~` / `~/…`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a path
 * setting and makes a relative path absolute against the workspace folder. An error
 * sentence when a variable cannot be expanded.
 */
export function expandPath(raw: string, e: LookupEnv): string | { error: string } {
  const p = pathApi(e.platform);
  let s = raw.trim();
  if (s === '~' || s.startsWith('~/') || (e.platform === 'win32' && s.startsWith('~\\'))) {
    s = e.homedir + s.slice(1);
  }
  let error: string | undefined;
  s = s.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'userHome') {
      return e.homedir;
    }
    if (name === 'workspaceFolder') {
      if (e.workspaceFolder === undefined) {
        error ??= `${whole} is used but no folder is open`;
        return whole;
      }
      return e.workspaceFolder;
    }
    if (name.startsWith('env:')) {
      return envVar(e, name.slice(4)) ?? '';
    }
    error ??= `unknown variable ${whole} (use ~, \${userHome}, \${workspaceFolder} or \${env:NAME})`;
    return whole;
  });
  if (error !== undefined) {
    return { error };
  }
  if (!p.isAbsolute(s) && e.workspaceFolder !== undefined && hasSeparator(s, e.platform)) {
    s = p.join(e.workspaceFolder, s);
  }
  return p.normalize(s);
}

function hasSeparator(s: string, platform: NodeJS.Platform): boolean {
  return s.includes('/') || (platform === 'win32' && s.includes('\\'));
}

/** The extensions a command name may take on this platform (`PATHEXT` on Windows). */
function executableExtensions(e: LookupEnv): string[] {
  if (e.platform !== 'win32') {
    return [''];
  }
  const pathext = envVar(e, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD';
  const exts = pathext
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  return exts.length > 0 ? exts : ['.EXE'];
}

/**
 * A file that can be run: on POSIX the path itself when it is an executable file; on
 * Windows the path when its extension is one of `PATHEXT`, else the path plus the first
 * `PATHEXT` extension that names a file (`dockerfile-lsp` -> `dockerfile-lsp.exe`).
 */
function runnable(candidate: string, e: LookupEnv): string | undefined {
  if (e.platform !== 'win32') {
    const s = e.stat(candidate);
    return s?.file && s.executable ? candidate : undefined;
  }
  const exts = executableExtensions(e);
  const ext = path.win32.extname(candidate).toUpperCase();
  if (ext !== '' && exts.some((x) => x.toUpperCase() === ext) && e.stat(candidate)?.file) {
    return candidate;
  }
  for (const x of exts) {
    for (const c of [candidate + x.toLowerCase(), candidate + x.toUpperCase()]) {
      if (e.stat(c)?.file) {
        return c;
      }
    }
  }
  return undefined;
}

/** The directories of `PATH`, in order (empty entries dropped). */
export function pathDirs(e: LookupEnv): string[] {
  const value = envVar(e, 'PATH') ?? '';
  const sep = e.platform === 'win32' ? ';' : ':';
  return value
    .split(sep)
    .map((d) => (e.platform === 'win32' ? d.replace(/^"(.*)"$/, '$1') : d))
    .filter((d) => d !== '');
}

/** A command on `PATH`, as a shell would find it. */
export function searchPath(name: string, e: LookupEnv): string | undefined {
  const p = pathApi(e.platform);
  for (const dir of pathDirs(e)) {
    const found = runnable(p.join(dir, name), e);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/**
 * Finds the server: the setting, else the bundled binary, else `PATH`.
 *
 * `setting` is the raw `dockerfileLsp.server.path` (empty or blank: not set). A bare
 * command name (no path separator) is searched on `PATH`.
 */
export function findServer(setting: string | undefined | null, e: LookupEnv): Lookup {
  const p = pathApi(e.platform);
  if (typeof setting === 'string' && setting.trim() !== '') {
    const expanded = expandPath(setting, e);
    if (typeof expanded !== 'string') {
      return { kind: 'settingInvalid', setting, reason: expanded.error };
    }
    if (!p.isAbsolute(expanded) && !hasSeparator(expanded, e.platform)) {
      const found = searchPath(expanded, e);
      return found
        ? { kind: 'found', path: found, source: 'setting' }
        : { kind: 'settingInvalid', setting, resolved: expanded, reason: `no \`${expanded}\` on PATH` };
    }
    const found = runnable(expanded, e);
    if (found) {
      return { kind: 'found', path: found, source: 'setting' };
    }
    const s = e.stat(expanded);
    const reason = s === undefined ? 'no such file' : !s.file ? 'not a file' : 'not executable';
    return { kind: 'settingInvalid', setting, resolved: expanded, reason };
  }
  const searched: string[] = [];
  const bundled = bundledPath(e);
  if (bundled) {
    searched.push(bundled);
    // A vsix can lose the executable bit; the extension restores it before spawning.
    if (e.stat(bundled)?.file) {
      return { kind: 'found', path: bundled, source: 'bundled' };
    }
  }
  const onPath = searchPath(BINARY, e);
  if (onPath) {
    return { kind: 'found', path: onPath, source: 'path' };
  }
  searched.push(`${BINARY} on PATH`);
  return { kind: 'notFound', searched };
}

/** One sentence for a failed lookup, for the error notification and the log. */
export function describeFailure(lookup: Exclude<Lookup, { kind: 'found' }>): string {
  if (lookup.kind === 'settingInvalid') {
    const where = lookup.resolved && lookup.resolved !== lookup.setting ? ` (${lookup.resolved})` : '';
    return `dockerfileLsp.server.path is set to "${lookup.setting}"${where}, but it cannot be used: ${lookup.reason}.`;
  }
  return `The dockerfile-lsp language server was not found (looked for ${lookup.searched.join(', ')}). Install it or set dockerfileLsp.server.path.`;
}
