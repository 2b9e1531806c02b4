// Starts `contingent lsp` for the workspace and connects it to VS Code's language client.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("contingent");
  const command = config.get<string>("path") || "contingent";
  const args = ["lsp"];
  const asOf = config.get<string>("asOf");
  if (asOf) {
    args.push("--as-of", asOf);
  }
  const serverOptions: ServerOptions = { command, args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "kdl" }],
    synchronize: {
      // files changed outside the editor (a checkout, a pull) are loaded again
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.kdl"),
    },
  };
  client = new LanguageClient("contingent", "contingent", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
