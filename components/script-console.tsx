"use client";

import { useState } from "react";
import { runScriptAction } from "@/lib/actions/console";
import { Button } from "@/components/ui/button";

type Result = { output: string[]; error?: { message: string; line: number; column: number; kind: "parse" | "runtime" } };

const EXAMPLE = `response = invokeurl
[
\turl: "https://api.example.com/"
\ttype: GET
\tconnection: "my_connection"
];
info response;`;

export function ScriptConsole({ initial }: { initial?: string }) {
  const [source, setSource] = useState(initial ?? EXAMPLE);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<Result>();
  const [failure, setFailure] = useState<string>();

  async function run() {
    setPending(true);
    setFailure(undefined);
    const answer = await runScriptAction({ source });
    setPending(false);
    if (!answer.ok) {
      setFailure(answer.message);
      setResult(undefined);
      return;
    }
    setResult(answer.data as Result);
  }

  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <label htmlFor="script" className="block text-sm font-medium text-slate-800">
          Script
        </label>
        <textarea
          id="script"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
              e.preventDefault();
              void run();
            }
          }}
          spellCheck={false}
          rows={14}
          aria-describedby="script-hint"
          className="block w-full rounded-md border border-slate-300 bg-white p-3 font-mono text-sm"
        />
        <p id="script-hint" className="text-xs text-slate-500">
          Deluge <code>invokeurl</code> tasks and <code>info</code>. Ctrl+Enter runs the script.
        </p>
      </div>
      <Button onClick={run} pending={pending}>
        Run
      </Button>
      <section aria-labelledby="output-heading" className="space-y-2">
        <h2 id="output-heading" className="text-lg font-semibold">
          Output
        </h2>
        <div
          aria-live="polite"
          className="min-h-16 rounded-md border border-slate-200 bg-slate-900 p-3 font-mono text-xs text-slate-100"
        >
          {failure ? <p className="text-red-300">{failure}</p> : null}
          {result?.output.map((line, i) => (
            <pre key={i} className="break-all whitespace-pre-wrap">
              {line}
            </pre>
          ))}
          {result?.error ? (
            <p className="text-red-300">
              {result.error.kind === "parse" ? "Parse error" : "Error"} at line {result.error.line}, column {result.error.column}:{" "}
              {result.error.message}
            </p>
          ) : null}
          {result && result.output.length === 0 && !result.error ? (
            <p className="text-slate-400">The script printed nothing.</p>
          ) : null}
        </div>
      </section>
    </div>
  );
}
