/**
 * The VS Code extension of dockerfile-lsp: starts the language server over stdio with
 * `vscode-languageclient` for the `dockerfile` language, answers its
 * `workspace/configuration` requests from the `dockerfileLsp.*` settings (mapped by
 * `settings.ts`), finds the binary (`serverPath.ts`), and contributes the commands
 * Restart Language Server, Pin All Images in This File, Show Rule Documentation and
 * Show Language Server Log, plus a language status item naming the running binary.
 */

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  Command as LspCommand,
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  WorkspaceEdit as LspWorkspaceEdit,
} from 'vscode-languageclient/node';
import { pinAllParams, pinStep } from './pin';
import { RULE_DOC_SCHEME, RuleInfo, parseRules, pickItem, ruleDocPath, ruleOfDocPath, rulesAt } from './rules';
import { LookupEnv, describeFailure, expandPath, findServer } from './serverPath';
import { Inspected, SECTION, ServerSettings, toServerSettings, userValue } from './settings';

/** How long `dockerfile-lsp --version` / `rules` may take. */
const EXEC_TIMEOUT_MS = 10_000;

/** The binary that runs (or was found), for the status item, the log and `rules`. */
interface Binary {
  path: string;
  source: 'setting' | 'bundled' | 'path';
  version?: string;
}

let extension: DockerfileExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new DockerfileExtension(context);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}

class DockerfileExtension {
  private readonly output: vscode.LogOutputChannel;
  private readonly traceOutput: vscode.LogOutputChannel;
  private readonly status: vscode.LanguageStatusItem;
  private client: LanguageClient | undefined;
  private binary: Binary | undefined;
  private rules: Promise<RuleInfo[]> | undefined;
  private lastWarnings = '';
  /** Serialises start/stop so a restart during a restart cannot start two servers. */
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Dockerfile LSP', { log: true });
    this.traceOutput = vscode.window.createOutputChannel('Dockerfile LSP Trace', { log: true });
    this.status = vscode.languages.createLanguageStatusItem('dockerfileLsp.server', { language: 'dockerfile' });
    this.status.name = 'Dockerfile LSP';
    const docs = new RuleDocumentProvider(() => this.binary);
    context.subscriptions.push(
      this.output,
      this.traceOutput,
      this.status,
      vscode.workspace.registerTextDocumentContentProvider(RULE_DOC_SCHEME, docs),
      vscode.commands.registerCommand('dockerfileLsp.restartServer', () => this.restart('restart requested')),
      vscode.commands.registerCommand('dockerfileLsp.pinAllImages', () => this.pinAllImages()),
      vscode.commands.registerCommand('dockerfileLsp.showRuleDocs', (id?: unknown) => this.showRuleDocs(id)),
      vscode.commands.registerCommand('dockerfileLsp.showLog', () => this.output.show(true)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart('the workspace is trusted now')),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.server`)) {
          void this.restart('dockerfileLsp.server settings changed');
        }
      }),
    );
  }

  /** Finds the binary and starts the client; reports a missing binary with its fix-its. */
  start(): Promise<void> {
    return this.serialised(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.serialised(() => this.doStop());
  }

  async restart(why: string): Promise<void> {
    this.output.info(`Restarting the server: ${why}`);
    await this.serialised(async () => {
      await this.doStop();
      await this.doStart();
    });
    if (this.client?.isRunning()) {
      vscode.window.setStatusBarMessage('$(check) Dockerfile language server restarted', 3000);
    }
  }

  private serialised(step: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(step, step);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private lookupEnv(): LookupEnv {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    return {
      platform: process.platform,
      arch: process.arch,
      env: process.env,
      homedir: os.homedir(),
      extensionPath: this.context.extensionPath,
      workspaceFolder: folder?.uri.fsPath,
      stat: statFile,
    };
  }

  private async doStart(): Promise<void> {
    this.status.busy = true;
    this.status.severity = vscode.LanguageStatusSeverity.Information;
    this.rules = undefined;
    const config = vscode.workspace.getConfiguration(SECTION);
    const lookup = findServer(config.get<string | null>('server.path'), this.lookupEnv());
    if (lookup.kind !== 'found') {
      this.binary = undefined;
      const message = describeFailure(lookup);
      this.output.error(message);
      this.status.busy = false;
      this.status.severity = vscode.LanguageStatusSeverity.Error;
      this.status.text = 'dockerfile-lsp not found';
      this.status.detail = message;
      this.status.command = {
        title: 'Open Settings',
        command: 'workbench.action.openSettings',
        arguments: [`${SECTION}.server.path`],
      };
      void this.showNotFound(message);
      return;
    }
    if (lookup.source === 'bundled') {
      ensureExecutable(lookup.path, this.output);
    }
    const version = await serverVersion(lookup.path);
    this.binary = { path: lookup.path, source: lookup.source, version };
    const from = {
      setting: 'from the setting dockerfileLsp.server.path',
      bundled: 'bundled with the extension',
      path: 'found on PATH',
    }[lookup.source];
    this.output.info(`Starting ${version ?? 'dockerfile-lsp (version unknown)'}: ${lookup.path} (${from})`);

    const env: NodeJS.ProcessEnv = { ...process.env };
    const extraEnv = config.get<Record<string, unknown>>('server.extraEnv') ?? {};
    for (const [name, value] of Object.entries(extraEnv)) {
      if (value === null || value === undefined) {
        delete env[name];
      } else {
        env[name] = String(value);
      }
    }
    const serverOptions: ServerOptions = { command: lookup.path, args: ['serve'], options: { env } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'dockerfile' },
        { scheme: 'untitled', language: 'dockerfile' },
      ],
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => this.serverSettings(undefined),
      synchronize: { configurationSection: SECTION },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) {
              return answer;
            }
            return params.items.map((item, i) => {
              if (item.section !== SECTION) {
                return answer[i];
              }
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return this.serverSettings(scope);
            });
          },
          // Push the mapped section (not VS Code's raw one with client-only keys), so a
          // server that does not pull still sees the same object.
          didChangeConfiguration: async () => {
            await this.client?.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: this.serverSettings(undefined) },
            });
          },
        },
      },
    };
    const client = new LanguageClient('dockerfileLsp', 'Dockerfile LSP', serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      this.status.busy = false;
      this.status.severity = vscode.LanguageStatusSeverity.Error;
      this.status.text = 'dockerfile-lsp failed to start';
      this.status.detail = String(err);
      this.status.command = { title: 'Show Log', command: 'dockerfileLsp.showLog' };
      this.output.error(`The server did not start: ${String(err)}`);
      return;
    }
    this.status.busy = false;
    this.status.text = version ?? 'dockerfile-lsp';
    this.status.detail = `${lookup.path} (${from})`;
    this.status.command = { title: 'Show Log', command: 'dockerfileLsp.showLog' };
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.dispose(2000);
      } catch (err) {
        this.output.warn(`Stopping the server: ${String(err)}`);
      }
    }
  }

  /** The server's `dockerfileLsp` object for a scope; logs each new set of warnings once. */
  private serverSettings(scope: vscode.Uri | undefined): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : undefined;
    const env = this.lookupEnv();
    if (folder?.uri.scheme === 'file') {
      env.workspaceFolder = folder.uri.fsPath;
    }
    const { settings, warnings } = toServerSettings((key) => userValue(trusted(key, config.inspect(key))), {
      expandPath: (raw) => expandPath(raw, env),
    });
    const joined = warnings.join('\n');
    if (joined !== this.lastWarnings) {
      this.lastWarnings = joined;
      for (const w of warnings) {
        this.output.warn(w);
      }
    }
    return settings;
  }

  private async showNotFound(message: string): Promise<void> {
    const openSettings = 'Open Settings';
    const install = 'Install Instructions';
    const choice = await vscode.window.showErrorMessage(message, openSettings, install);
    if (choice === openSettings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
    } else if (choice === install) {
      // vsce stores README.md as readme.md; a development checkout has README.md.
      const name = fs.existsSync(vscode.Uri.joinPath(this.context.extensionUri, 'README.md').fsPath)
        ? 'README.md'
        : 'readme.md';
      const readme = vscode.Uri.joinPath(this.context.extensionUri, name).with({ fragment: 'install' });
      await vscode.commands.executeCommand('markdown.showPreview', readme);
    }
  }

  /** Runs the source action `source.pinImages.dockerfile-lsp` on the active Dockerfile. */
  private async pinAllImages(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'dockerfile') {
      void vscode.window.showWarningMessage('Open a Dockerfile to pin its images.');
      return;
    }
    const client = this.client;
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('The Dockerfile language server is not running.', 'Show Log').then((c) => {
        if (c) {
          this.output.show(true);
        }
      });
      return;
    }
    const document = editor.document;
    const fileName = document.uri.path.split('/').pop();
    const c2p = client.code2ProtocolConverter;
    const whole = document.validateRange(new vscode.Range(0, 0, document.lineCount, 0));
    const answer = await client.sendRequest(
      CodeActionRequest.type,
      pinAllParams(c2p.asUri(document.uri), c2p.asRange(whole)),
    );
    const step = pinStep(answer);
    if (step.kind === 'nothing') {
      void vscode.window.showInformationMessage(
        `Nothing to pin in ${fileName}: every image is pinned to its current digest or cannot be pinned.`,
      );
      return;
    }
    if (step.kind === 'disabled') {
      void vscode.window.showWarningMessage(`Cannot pin the images of ${fileName}: ${step.reason}`);
      return;
    }
    const resolved = step.resolve
      ? await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'Pinning images to their digests' },
          () => client.sendRequest(CodeActionResolveRequest.type, step.action),
        )
      : step.action;
    await this.applyPin(client, resolved.edit, resolved.command, fileName ?? 'this file');
  }

  private async applyPin(
    client: LanguageClient,
    lspEdit: LspWorkspaceEdit | undefined,
    command: LspCommand | undefined,
    fileName: string,
  ): Promise<void> {
    if (lspEdit) {
      const edit = await client.protocol2CodeConverter.asWorkspaceEdit(lspEdit);
      const count = edit.entries().reduce((n, [, edits]) => n + edits.length, 0);
      if (count === 0) {
        void vscode.window.showInformationMessage(`Every image in ${fileName} is pinned to its current digest.`);
      } else if (!(await vscode.workspace.applyEdit(edit))) {
        void vscode.window.showErrorMessage(
          `The pin edit for ${fileName} could not be applied (was the file changed meanwhile?). Try again.`,
        );
        return;
      } else {
        vscode.window.setStatusBarMessage(`$(pin) Pinned ${count} image reference${count === 1 ? '' : 's'}`, 5000);
      }
    }
    if (command) {
      // Clients without resolve get a server command answered with workspace/applyEdit.
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    }
    // Without an edit or a command the server has reported why (window/showMessage).
  }

  /**
   * Shows a rule's documentation: the id given, else the rule of the diagnostic under
   * the cursor (a pick when several), else a pick of every rule.
   */
  private async showRuleDocs(arg: unknown): Promise<void> {
    let id = typeof arg === 'string' && arg !== '' ? arg : undefined;
    const editor = vscode.window.activeTextEditor;
    if (!id && editor?.document.languageId === 'dockerfile') {
      const here = rulesAt(vscode.languages.getDiagnostics(editor.document.uri), editor.selection.active);
      if (here.length === 1) {
        id = here[0];
      } else if (here.length > 1) {
        id = await this.pickRule(here);
      }
      if (here.length > 1 && !id) {
        return;
      }
    }
    if (!id) {
      id = await this.pickRule(undefined);
    }
    if (!id) {
      return;
    }
    const uri = vscode.Uri.from({ scheme: RULE_DOC_SCHEME, path: ruleDocPath(id) });
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  }

  /** A quick pick of rules (all, or the ids given), with their summaries. */
  private async pickRule(only: string[] | undefined): Promise<string | undefined> {
    let rules: RuleInfo[] = [];
    try {
      rules = await this.ruleList();
    } catch (err) {
      if (!only) {
        void vscode.window.showErrorMessage(`Cannot list the rules: ${(err as Error).message}`);
        return undefined;
      }
    }
    const known = new Map(rules.map((r) => [r.id, r]));
    const items = only
      ? only.map((id) => (known.has(id) ? pickItem(known.get(id)!) : { label: id, description: '', detail: '' }))
      : rules.map(pickItem);
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Dockerfile: Show Rule Documentation',
      placeHolder: only ? 'Rules of the diagnostics under the cursor' : 'Rule id, hadolint code or words of the summary',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.label;
  }

  private ruleList(): Promise<RuleInfo[]> {
    const binary = this.binary;
    if (!binary) {
      return Promise.reject(new Error('the dockerfile-lsp binary was not found'));
    }
    if (!this.rules) {
      this.rules = run(binary.path, ['rules', '--format', 'json']).then(parseRules);
      this.rules.catch(() => (this.rules = undefined));
    }
    return this.rules;
  }
}

/**
 * The read-only documents `dockerfile-lsp-rule:/<id>.md`: the markdown of
 * `dockerfile-lsp rules <id>`, shown in a markdown preview.
 */
class RuleDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly binary: () => Binary | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = ruleOfDocPath(uri.path);
    const binary = this.binary();
    if (!id) {
      return `# Not a rule\n\n\`${uri.toString()}\` names no rule.\n`;
    }
    if (!binary) {
      return `# ${id}\n\nThe dockerfile-lsp binary was not found, so its documentation cannot be shown. Set \`dockerfileLsp.server.path\`.\n`;
    }
    try {
      return await run(binary.path, ['rules', id]);
    } catch (err) {
      return `# ${id}\n\n\`dockerfile-lsp rules ${id}\` failed:\n\n\`\`\`text\n${(err as Error).message}\n\`\`\`\n`;
    }
  }
}

/** Runs the binary and returns its standard output; rejects with its stderr. */
function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: EXEC_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(stderr.trim() || err.message));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** `dockerfile-lsp --version` ("dockerfile-lsp 0.1.0"), or undefined when it fails. */
async function serverVersion(binary: string): Promise<string | undefined> {
  try {
    const out = (await run(binary, ['--version'])).trim();
    return out.split('\n')[0] || undefined;
  } catch {
    return undefined;
  }
}

/** Settings naming a program: in Restricted Mode only the user's own value counts. */
const RESTRICTED = new Set(['shellcheck.path']);

function trusted(key: string, inspected: Inspected | undefined): Inspected | undefined {
  return RESTRICTED.has(key) && !vscode.workspace.isTrusted ? { globalValue: inspected?.globalValue } : inspected;
}

function statFile(p: string): { file: boolean; executable: boolean } | undefined {
  try {
    const s = fs.statSync(p);
    let executable = true;
    if (process.platform !== 'win32') {
      try {
        fs.accessSync(p, fs.constants.X_OK);
      } catch {
        executable = false;
      }
    }
    return { file: s.isFile(), executable };
  } catch {
    return undefined;
  }
}

/** A vsix may drop the executable bit of the bundled binary: restore it. */
function ensureExecutable(p: string, output: vscode.LogOutputChannel): void {
  if (process.platform === 'win32' || statFile(p)?.executable) {
    return;
  }
  try {
    fs.chmodSync(p, 0o755);
    output.info(`Made ${p} executable`);
  } catch (err) {
    output.error(`Cannot make ${p} executable: ${String(err)}`);
  }
}
