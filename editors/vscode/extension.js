// torch-keycheck's language server in VS Code, beside clangd (or
// cpptools): starts `torch-keycheck lsp` for C and C++ files and hands it
// to VS Code's language client. Settings: torchKeycheck.path,
// torchKeycheck.arguments, torchKeycheck.inlayHints.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

async function activate(context) {
  const config = vscode.workspace.getConfiguration('torchKeycheck');
  const server = {
    command: config.get('path', 'torch-keycheck'),
    args: ['lsp', ...config.get('arguments', [])],
  };
  const options = {
    documentSelector: ['c', 'cpp', 'cuda-cpp'].map((language) => ({
      scheme: 'file',
      language,
    })),
    initializationOptions: { inlayHints: config.get('inlayHints', false) },
  };
  client = new LanguageClient('torch-keycheck', 'torch-keycheck', server,
                              options);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('torchKeycheck') && client) {
        await client.stop();
        await activate(context);
      }
    }));
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
