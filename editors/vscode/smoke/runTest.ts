/**
 * The optional smoke test in a real VS Code (not run in CI: it downloads VS Code from
 * update.code.visualstudio.com). Launches VS Code with this folder as the extension under
 * development, the fixtures folder as the workspace and every other extension disabled,
 * and runs smoke/suite.ts inside it.
 *
 *   npm run smoke                                   # VS Code 1.91.0 (engines.vscode)
 *   DLSP_BIN=/path/to/dockerfile-lsp VSCODE_VERSION=stable npm run smoke
 *
 * DLSP_BIN defaults to ../../target/release/dockerfile-lsp.
 */

import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const binary = path.resolve(process.env.DLSP_BIN ?? path.join(root, '..', '..', 'target', 'release', 'dockerfile-lsp'));
  try {
    const code = await runTests({
      version: process.env.VSCODE_VERSION ?? '1.91.0',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite.js'),
      launchArgs: [path.join(root, 'smoke', 'fixtures'), '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { DLSP_BIN: binary },
    });
    process.exit(code);
  } catch (err) {
    console.error('smoke test failed:', err);
    process.exit(1);
  }
}

void main();
