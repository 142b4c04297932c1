/**
 * The "Pin all images in this file" command's protocol side: the source action kind the
 * server offers (`source.pinImages.dockerfile-lsp`), the request that lists it, and what
 * to do with the answer (nothing to pin, disabled with a reason, or the action to
 * resolve and apply).
 *
 * Pure: no `vscode` import, so `node:test` drives it against the real server.
 */

import type { CodeAction, CodeActionParams, Command, Range } from 'vscode-languageclient';

/** The source action kind of "Pin all images in this file to their digests". */
export const PIN_ALL_KIND = 'source.pinImages.dockerfile-lsp';

/** `textDocument/codeAction` parameters asking only for the pin-all source action. */
export function pinAllParams(uri: string, whole: Range): CodeActionParams {
  return {
    textDocument: { uri },
    range: whole,
    // 1 = CodeActionTriggerKind.Invoked: the user asked.
    context: { diagnostics: [], only: [PIN_ALL_KIND], triggerKind: 1 },
  };
}

export type PinStep =
  | { kind: 'nothing' }
  | { kind: 'disabled'; reason: string }
  /** `resolve`: the action carries no edit or command yet (`codeAction/resolve` computes it). */
  | { kind: 'run'; action: CodeAction; resolve: boolean };

/** What the code action answer means for the command. */
export function pinStep(answer: readonly (CodeAction | Command)[] | null | undefined): PinStep {
  const action = (answer ?? []).find(
    (a): a is CodeAction => typeof (a as CodeAction).kind === 'string' && (a as CodeAction).kind === PIN_ALL_KIND,
  );
  if (!action) {
    return { kind: 'nothing' };
  }
  if (action.disabled) {
    return { kind: 'disabled', reason: action.disabled.reason };
  }
  return { kind: 'run', action, resolve: action.edit === undefined && action.command === undefined };
}
